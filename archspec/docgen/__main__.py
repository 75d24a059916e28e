import sys

from archspec.docgen import main

sys.exit(main())
