"""``python -m analysis.cli``: the pricepoint command."""

import sys

from analysis.cli import main

sys.exit(main())
