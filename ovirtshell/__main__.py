import sys

from ovirtshell.cli import main

sys.exit(main())
