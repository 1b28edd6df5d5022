import sys

from wparchive.cli import main

sys.exit(main())
