"""archspec's design explorer, from a source checkout:

    .venv/bin/streamlit run app/explorer.py

The explorer is the package ``archspec.explorer``; ``archspec explore`` starts the same page from
an installed archspec. This file is only the script Streamlit runs.
"""

from archspec.explorer.page import main

main()
