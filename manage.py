#!/usr/bin/env python
"""Django's command-line utility; `peerassist` (the installed command) is the friendlier one."""

import sys

from peerassist.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
