"""CSV import: CRM date formats, column mapping, duplicates, rejects with line numbers."""

from __future__ import annotations

import csv
import textwrap
from zoneinfo import ZoneInfo

from sqlalchemy import select

from baton.services.records.importer import ImportOptions, import_csv
from baton.store.tables import leads, people

NY = ZoneInfo("America/New_York")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_leads_import_with_mapping_dates_and_rejects(live, tmp_path):
    path = write(
        tmp_path,
        "leads.csv",
        """\
        Lead ID,Email Address,Company,Employees,Created Date,Lead Owner,Favourite Colour
        00Q1,ana@initech.com,Initech,"1,200",03/04/2026 2:05 PM,,blue
        00Q2,bo@globex.com,Globex,50,2026-03-05T09:00:00Z,sam-ortiz,
        00Q3,not-an-email,Hooli,10,03/06/2026,,
        00Q1,ana@initech.com,Initech,"1,200",03/04/2026 2:05 PM,,blue
        00Q4,cy@umbrella.com,Umbrella,ten,31/12/2026,,
        """,
    )
    mapping = {
        "Lead ID": "external_id",
        "Email Address": "email",
        "Company": "company",
        "Employees": "employees",
        "Created Date": "received_at",
        "Lead Owner": "owner_id",
    }
    summary = import_csv(
        live,
        path,
        ImportOptions("lead", mapping, NY, source_system="salesforce"),
    )
    assert (summary.rows, summary.inserted, summary.duplicates, len(summary.rejected)) == (
        5,
        2,
        1,
        2,
    )
    assert [line for line, _, _ in summary.rejected] == [4, 6]
    with live.db.read() as conn:
        rows = {r.external_id: r for r in conn.execute(select(leads))}
    ana = rows["00Q1"]
    assert ana.employees == 1200 and ana.source_system == "salesforce"
    assert (
        ana.received_at.isoformat() == "2026-03-04T19:05:00+00:00"
    )  # 2:05 PM New York (EST) in UTC
    assert ana.extra == {"Favourite Colour": "blue"}
    assert rows["00Q2"].owner_id == "sam-ortiz"
    rejects = tmp_path / "rejects.csv"
    summary.write_rejects(rejects)
    lines = list(csv.DictReader(rejects.open()))
    assert lines[0]["line"] == "4" and "email" in lines[0]["reasons"]
    assert (
        lines[1]["line"] == "6"
        and "employees" in lines[1]["reasons"]
        and "received_at" in lines[1]["reasons"]
    )


def test_day_first_dates(live, tmp_path):
    path = write(tmp_path, "leads.csv", "email,received_at\nx@y.com,03/04/2026 10:00\n")
    import_csv(
        live,
        path,
        ImportOptions("lead", {}, ZoneInfo("Europe/Berlin"), day_first=True),
    )
    with live.db.read() as conn:
        (row,) = conn.execute(select(leads.c.received_at))
    assert row.received_at.isoformat() == "2026-04-03T08:00:00+00:00"  # CEST


def test_people_import(live, tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        """\
        id,name,email,role,team_id,max_open,active
        zed,Zed Ray,zed@acme.example,sdr,sdr-americas,25,true
        sam-ortiz,Sam Ortiz,sam@acme.example,sdr,sdr-americas,,
        bad,Bad,bad@acme.example,wizard,,,
        """,
    )
    summary = import_csv(live, path, ImportOptions("person", {}, NY))
    assert (summary.inserted, summary.duplicates, len(summary.rejected)) == (1, 1, 1)
    assert summary.rejected[0][0] == 4 and summary.rejected[0][2][0].loc == ("role",)
    with live.db.read() as conn:
        zed = conn.execute(select(people).where(people.c.id == "zed")).first()
    assert zed.max_open == 25 and zed.managed_by == "api"


def test_accounts_import_splits_domain_lists(live, tmp_path):
    path = write(
        tmp_path,
        "accounts.csv",
        'name,domains,named,owner_id\nInitech,"initech.com; initech.io",true,emma-schulz\n',
    )
    summary = import_csv(live, path, ImportOptions("account", {}, NY))
    assert summary.inserted == 1, summary.rejected
