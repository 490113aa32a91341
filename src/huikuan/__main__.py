import sys

from huikuan.cli import main

sys.exit(main())
