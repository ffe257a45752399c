"""The README.txt of an auditor's export of the archive (`archive.export_year`): what it holds and
how to check the chain without telcobill, with a standard-library verification script."""

from __future__ import annotations


def readme(year: int, counts: dict[str, int], heads: dict[str, str]) -> str:
    """The export's README.txt: what it holds and how to check it without telcobill."""
    series = "\n".join(f"  {name} : {counts[name]} pièce(s), dernière empreinte / last hash {heads[name]}"
                       for name in sorted(counts))
    return (f"Archive telcobill — année {year} / telcobill archive — year {year}\n\n"
            f"Séries / series:\n{series}\n\n"
            "Notez ces dernières empreintes hors de telcobill : elles montrent qu'aucune pièce n'a été retirée\n"
            "en fin de série lors d'un prochain export. / Keep these last hashes outside telcobill: they show\n"
            "that nothing was removed from the end of a series at the next export.\n"
            + README_METHOD + "\n" + VERIFY_SCRIPT)


README_METHOD = r"""
CONTENU
- <année>/<série>/<numéro>.pdf et .xml : chaque facture ou avoir émis, tel qu'archivé (PDF/A-3
  Factur-X et XML CII, copiés à l'archivage puis jamais modifiés).
- manifest.csv : une ligne par fichier archivé, et une ligne sans fichier par événement ; UTF-8,
  séparateur « ; », en-tête : series;position;kind;reference;file;sha256;size;previous_hash;hash
- events.csv : les statuts de cycle de vie des factures électroniques (séries events-<année>) ;
  en-tête : series;position;reference;invoice;status;at;reason_code;reason;by_operator;hash

VÉRIFIER LA CHAÎNE
Chaque pièce est identifiée par (series, position) ; les positions d'une série se suivent 1, 2, 3...
sans trou. Son empreinte « hash » est le SHA-256 (hexadécimal, minuscules) des octets UTF-8 de
l'objet JSON canonique :
  {"files": F, "kind": K, "position": P, "previous_hash": H, "reference": R, "series": S}
- S, K, R, H : colonnes series, kind, reference, previous_hash (chaînes) ; P : position (entier).
- Document (kind = document) : F a un membre par ligne du manifeste de la pièce, nommé par
  l'extension du fichier (« pdf », « xml ») : {"path": colonne file, "sha256": colonne sha256,
  "size": colonne size (entier)}.
- Événement (kind = event) : F = {"at", "by_operator", "invoice", "reason", "reason_code", "status"}
  pris dans events.csv ; by_operator est le booléen JSON true ou false, les autres sont des chaînes.
Forme canonique : clés triées, aucun espace (séparateurs « , » et « : »), caractères non ASCII écrits
tels quels en UTF-8 ; seuls « " », « \ » et les caractères de contrôle sont échappés (\" \\ \b \f \n
\r \t, les autres en \u00xx minuscules) ; entiers sans décimale. C'est la forme JCS (RFC 8785) pour
ces données ; en Python : json.dumps(objet, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode("utf-8").
La position 1 d'une série a previous_hash = 64 zéros ; la position n a previous_hash = hash de la
position n-1. Chaque fichier doit avoir le SHA-256 et la taille (octets) donnés par le manifeste.
Le script ci-dessous (Python 3, bibliothèque standard seule) fait ces vérifications : décompressez
l'archive, copiez les lignes entre les deux marqueurs dans verify_chain.py, lancez
« python3 verify_chain.py » dans le dossier décompressé. Il affiche OK, ou chaque écart.

ENGLISH
The files are the issued invoices and credit notes (PDF/A-3 Factur-X and CII XML) under
<year>/<series>/<number>; manifest.csv lists one row per archived file (and one file-less row per
lifecycle event), events.csv holds the archived lifecycle events. Each entry (series, position;
positions run 1, 2, 3... without a gap) has hash = lowercase hex SHA-256 of the UTF-8 bytes of the
canonical JSON object {"files", "kind", "position", "previous_hash", "reference", "series"}: keys
sorted, no whitespace, non-ASCII characters unescaped, integers for position and size (JCS, RFC
8785, for these data). For a document, "files" has one member per manifest row of the entry, named
after the file's extension (pdf, xml): {"path": file, "sha256": sha256, "size": size}; for an event
it is {"at", "by_operator" (JSON boolean), "invoice", "reason", "reason_code", "status"} from
events.csv. previous_hash is 64 zeros at position 1 and the hash of position n-1 at position n. The
script below (Python 3, standard library only) checks all of it, files included: unzip, save the
lines between the markers as verify_chain.py and run it in the unzipped folder.
"""

VERIFY_SCRIPT = r"""# --- verify_chain.py ---
import csv
import hashlib
import json
import sys
from pathlib import Path


def canonical(entry):
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def rows(name):
    with open(name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


entries, errors = {}, []
for row in rows("manifest.csv"):
    key = (row["series"], int(row["position"]))
    entry = entries.setdefault(key, {"series": row["series"], "position": key[1], "kind": row["kind"],
                                     "reference": row["reference"], "files": {},
                                     "previous_hash": row["previous_hash"], "hash": row["hash"]})
    if row["file"]:
        data = Path(row["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != row["sha256"] or len(data) != int(row["size"]):
            errors.append(f"{key[0]} #{key[1]} {row['reference']}: altered file {row['file']}")
        entry["files"][row["file"].rsplit(".", 1)[1]] = {"path": row["file"], "sha256": row["sha256"],
                                                          "size": int(row["size"])}
for row in rows("events.csv"):
    entries[(row["series"], int(row["position"]))]["files"] = {
        "at": row["at"], "by_operator": row["by_operator"] == "true", "invoice": row["invoice"],
        "reason": row["reason"], "reason_code": row["reason_code"], "status": row["status"]}
heads = {}
for (series, position), entry in sorted(entries.items()):
    previous, last = heads.get(series, ("0" * 64, 0))
    stored = entry.pop("hash")
    if position != last + 1:
        errors.append(f"{series} #{last + 1}: missing position")
    elif entry["previous_hash"] != previous:
        errors.append(f"{series} #{position}: broken chain")
    if hashlib.sha256(canonical(entry)).hexdigest() != stored:
        errors.append(f"{series} #{position} {entry['reference']}: altered entry")
    heads[series] = (stored, position)
for error in errors:
    print(error)
for series, (head, count) in sorted(heads.items()):
    print(f"{series}: {count} entries, last hash {head}")
print("FAILED" if errors else "OK")
sys.exit(1 if errors else 0)
# --- end ---
"""
