#!/usr/bin/env bash
# Fetches the default model's training photos from Debian packages, without
# installing them: `apt-get download` + `dpkg -x` into a temporary folder, then
# the photographs are copied to data/photos/ (or the folder given as $1).
#
# Sources, and only these: lomiri-wallpapers-16.04, lomiri-wallpapers-20.04 and
# ukui-wallpapers (licences: CC-BY-4.0, CC-BY-SA-3.0/4.0, CC0; see each package's
# copyright file, copied next to the photos). Artwork (drawn or rendered images,
# listed in ARTWORK below) is kept apart in data/artwork/ (beside $1): not photos,
# so never held out or evaluated on, but its smooth gradients are used as extra
# training images (`pconv train --extra-data`) in the default model's last stage.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${1:-data/photos}"
PACKAGES=(lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers)
ARTWORK=(
  2004default.jpg Fossa_by_Jasper_Roks.jpg Painting-Colors_by__herobrine7gamer.jpg
  calla.png city.png desert.png firstgeneration.jpg fluent-color.png focal-ubuntukylin.png
  goldfish.png rhythm.jpg rollpaper.png string.jpg the-mouse.jpg umang_by_Abhishek_Mudgal.jpg
  greentock_by_Peter_Nerlich.jpg  # a 3D rendering
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  # apt-get download runs as _apt when it can; a world-writable folder keeps it quiet.
  chmod 777 "$work"
  apt-get download "${PACKAGES[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download "${PACKAGES[@]}"; }
  for deb in *.deb; do dpkg -x "$deb" extracted; done
)

mkdir -p "$DEST"
count=0
while IFS= read -r -d '' file; do
  name="$(basename "$file")"
  skip=0
  for art in "${ARTWORK[@]}"; do [[ "$name" == "$art" ]] && skip=1; done
  if ((skip)); then
    mkdir -p "$DEST/../artwork"
    cp "$file" "$DEST/../artwork/$name"
    continue
  fi
  cp "$file" "$DEST/$name"
  count=$((count + 1))
done < <(find "$work/extracted/usr/share/backgrounds" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) -print0)
# The photos the trainer holds out for validation (every 5th in sorted order with
# --val-fraction 0.2), copied beside for `pconv eval --images data/heldout ...`.
HELDOUT=(Infinite-Sea_by_Aury88.jpg aitzgorri_by_Aitzol_Berasategi.jpg picosdeeuropa_by_Aitzol_Berasategi.jpg)
mkdir -p "$DEST/../heldout"
for name in "${HELDOUT[@]}"; do cp "$DEST/$name" "$DEST/../heldout/$name"; done
mkdir -p "$DEST/licences"
for pkg in "${PACKAGES[@]}"; do cp "$work/extracted/usr/share/doc/$pkg/copyright" "$DEST/licences/$pkg.copyright"; done
echo "Copied $count photos to $DEST"
