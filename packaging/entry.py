"""The frozen app's entry point: the same composition root as `transfer-panel`."""

import sys

from app.main import main

if __name__ == "__main__":
    sys.exit(main())
