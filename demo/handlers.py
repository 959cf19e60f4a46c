"""Which demo official handles which matter's steps: for the README and, in demo mode (``SHENPI_DEMO=1``), the
sign-in page. Read from the catalogue (each step's department and post, from its lane) and the accounts holding
that post there, so it stays true when a flow or the demo's people change."""

from __future__ import annotations

from typing import Any


def handlers(engine) -> list[dict[str, Any]]:
    """[{code, name, steps: [{name, department, post, accounts: [user id, …]}]}] for every published matter."""
    officials: dict[tuple[str, str], list[str]] = {}
    for user in engine.accounts.list_users():
        if user["active"] and "official" in user["roles"] and user["department"]:
            for post in user["posts"]:
                officials.setdefault((user["department"], post), []).append(user["id"])
    return [
        {
            "code": matter["code"],
            "name": matter["name"],
            "steps": [
                {
                    "name": step["name"],
                    "department": step["department"],
                    "post": step["post"],
                    "accounts": sorted(officials.get((step["department"], step["post"]), [])),
                }
                for step in matter["steps"]
            ],
        }
        for matter in engine.catalogue.steps_by_matter()
    ]


def markdown(rows: list[dict[str, Any]]) -> str:
    """The README's table: one line per step."""
    lines = ["| matter | step | department / post | demo accounts |", "| --- | --- | --- | --- |"]
    for matter in rows:
        for index, step in enumerate(matter["steps"]):
            first = f"{matter['name']} (`{matter['code']}`)" if index == 0 else ""
            place = f"{step['department']} / {step['post']}" if step["post"] else step["department"]
            accounts = ", ".join(f"`{a}`" for a in step["accounts"]) or "—"
            lines.append(f"| {first} | {step['name']} | {place} | {accounts} |")
    return "\n".join(lines) + "\n"
