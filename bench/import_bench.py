"""How fast does `import-people` go? Prints rows/s for the full import (validate + write)
and, as the baseline measured in the same run, for a bare `bulk_create` of the same people.

    python bench/import_bench.py            # 5,000 people
    python bench/import_bench.py --quick    # 500 people (CI)
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    rows = args.rows or (500 if args.quick else 5000)

    workdir = tempfile.TemporaryDirectory(prefix="peerassist-bench-")
    tmp = workdir.name
    os.environ.update(
        DJANGO_SETTINGS_MODULE="peerassist.settings",
        DEBUG="false",
        SECRET_KEY="bench-only",
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
        PEERASSIST_VAR_DIR=tmp,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from peerassist.accounts.models import Organisation
    from peerassist.people.csv_import import people_import_csv
    from peerassist.people.models import Person, Unit

    org = Organisation.objects.create(name="Bench", slug="bench")
    baseline_org = Organisation.objects.create(name="Baseline", slug="baseline")
    for o in (org, baseline_org):
        ops = Unit.objects.create(organisation=o, name="Operations")
        for i in range(10):
            Unit.objects.create(organisation=o, name=f"Team {i}", parent=ops)

    lines = ["email,name,unit,job_title,level,languages,time_zone,expertise,bio,external"]
    for i in range(rows):
        lines.append(
            f"p{i}@bench.test,Person {i},Operations / Team {i % 10},Engineer,senior,"
            f"en;fr,Europe/Paris,topic {i % 50};topic {(i * 7) % 50},Bio {i},no"
        )
    data = ("\n".join(lines) + "\n").encode()

    started = time.perf_counter()
    Person.objects.bulk_create(
        Person(organisation=baseline_org, name=f"Person {i}", email=f"p{i}@bench.test")
        for i in range(rows)
    )
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    report = people_import_csv(organisation=org, data=data)
    first = time.perf_counter() - started
    assert report.ok and report.created == rows, report.errors[:3]

    started = time.perf_counter()
    report = people_import_csv(organisation=org, data=data)
    again = time.perf_counter() - started
    assert report.ok and report.unchanged == rows

    changed = data.replace(b",Person ", b",Renamed ").replace(b";topic ", b";subject ")
    started = time.perf_counter()
    report = people_import_csv(organisation=org, data=changed)
    changed_all = time.perf_counter() - started
    assert report.ok and report.updated == rows

    print(f"rows: {rows}")
    print(f"baseline bulk_create (no validation, no languages/tags): {rows / baseline:,.0f} rows/s")
    print(
        f"import, new people:     {rows / first:,.0f} rows/s  ({first:.2f} s, "
        f"{first / baseline:.1f}x the baseline)"
    )
    print(f"re-import, unchanged:   {rows / again:,.0f} rows/s  ({again:.2f} s)")
    print(f"re-import, all changed: {rows / changed_all:,.0f} rows/s  ({changed_all:.2f} s)")


if __name__ == "__main__":
    main()
