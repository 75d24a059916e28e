"""The script Streamlit runs for the explorer (``archspec explore`` points ``streamlit run`` here).

Streamlit executes this file afresh on every interaction; the page itself lives in an imported
module, so it is compiled once per server.
"""

from archspec.explorer.page import main

main()
