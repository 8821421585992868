#!/usr/bin/env bash
# Installs the Debian packages that the demo, the model recipe and the tests need, when they are missing.
# Both README commands (demo.sh and run-tests.sh) call it first, so either works on a fresh machine.
#
#   integ-test/install-deps.sh
#
# Packages: python3-torch, python3-onnx, python3-numpy, python3-sentencepiece (the model recipe and the test
# fixtures), apertium, apertium-apy, apertium-eng-spa (translate-first projection), unzip, curl, util-linux.
# As root it runs apt-get directly, otherwise through sudo -n (fails at once when that needs a password).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
install_system_packages
