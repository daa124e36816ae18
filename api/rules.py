"""`client.rules`: money rules, their dry runs, switching them on and off (the server's
`routes/money_rules.py`)."""

from __future__ import annotations

from typing import Any

from xapp.api.models import Money, MoneyRule, Page, RuleDryRun
from xapp.api.transport import Transport, handle_path, new_key


class Rules:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def sweep(self, below: Money, amount: Money, key: str | None = None) -> MoneyRule:
        """When my cash falls below `below`, move `amount` from savings."""
        body = {"kind": "sweep", "below": below.model_dump(), "amount": amount.model_dump()}
        return await self._create(body, key)

    async def monthly_pay(
        self, to: str, amount: Money, day_of_month: int, note: str = "", key: str | None = None
    ) -> MoneyRule:
        """Every month on `day_of_month`, pay @to `amount`."""
        body = {
            "kind": "monthly_pay",
            "to": handle_path(to),
            "amount": amount.model_dump(),
            "day_of_month": day_of_month,
            "note": note,
        }
        return await self._create(body, key)

    async def tip_on_like(self, author: str, amount: Money, key: str | None = None) -> MoneyRule:
        """Tip `amount` on every post I like from @author."""
        body = {"kind": "tip_on_like", "author": handle_path(author), "amount": amount.model_dump()}
        return await self._create(body, key)

    async def _create(self, body: dict[str, Any], key: str | None) -> MoneyRule:
        return await self._t.send(MoneyRule, "POST", "/v1/rules", body, key or new_key())

    async def list(self, before: str | None = None) -> Page[MoneyRule]:
        return await self._t.get(Page[MoneyRule], "/v1/rules", before=before)

    async def dry_run(self, rule_id: str, days: int = 30) -> RuleDryRun:
        return await self._t.get(RuleDryRun, f"/v1/rules/{rule_id}/dry-run", days=days)

    async def switch_on(self, rule_id: str, *, pin: str | None = None) -> MoneyRule:
        return await self._t.send(MoneyRule, "PUT", f"/v1/rules/{rule_id}/on", pin=pin)

    async def switch_off(self, rule_id: str) -> MoneyRule:
        return await self._t.send(MoneyRule, "DELETE", f"/v1/rules/{rule_id}/on")

    async def delete(self, rule_id: str) -> None:
        await self._t.request("DELETE", f"/v1/rules/{rule_id}")
