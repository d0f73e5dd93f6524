# Loads every IIIF document of an export into iiif-prezi3's pydantic models (the
# IIIF community's Python library): a wrong type, a missing required property or a
# malformed language map raises.   python ci/iiif_prezi3_load.py EXPORT_DIR
import json, sys, pathlib
from iiif_prezi3 import Manifest, Collection
for f in sorted(pathlib.Path(sys.argv[1], "iiif").glob("*.json")):
    doc = json.loads(f.read_text())
    model = {"Manifest": Manifest, "Collection": Collection}[doc["type"]]
    model(**{k: v for k, v in doc.items() if k != "@context"})
    print("iiif-prezi3 loaded", f.name)
