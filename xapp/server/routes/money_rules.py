"""Money rules: write one (off), dry-run it against the last 30 days, switch it on (with
the PIN) and off, delete it. The money loop acts on them (`money_rules.run_due`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from xapp.api.models import CreateMoneyRule, MoneyRule, Page, RuleDryRun
from xapp.server import money_rules
from xapp.server.deps import CurrentAccount, Db
from xapp.server.idempotency import Idempotent
from xapp.server.openapi import refuses
from xapp.server.pages import PageParams
from xapp.server.pins import PinChecked
from xapp.server.retries import RetriedRoute

router = APIRouter(prefix="/v1", tags=["rules"], route_class=RetriedRoute)


@router.post(
    "/rules",
    status_code=201,
    response_model=MoneyRule,
    summary="Write a money rule",
    responses=refuses(403, 404),
)
async def create(body: Annotated[CreateMoneyRule, Body()], once: Idempotent) -> Response:
    """A sweep from savings, a monthly payment or a tip on every liked post of someone's;
    it starts off, so its dry run can be read before it acts."""
    return await once(body, lambda tx: money_rules.create(tx, once.account, body))


@router.get("/rules", response_model=Page[MoneyRule], summary="My money rules")
async def listing(db: Db, account: CurrentAccount, cursor: PageParams) -> Page[MoneyRule]:
    async with db.read() as conn:
        return await money_rules.page(conn, account, cursor)


@router.get(
    "/rules/{rule_id}/dry-run",
    response_model=RuleDryRun,
    summary="What a rule would have done",
    responses=refuses(404),
)
async def dry_run(
    rule_id: str,
    db: Db,
    account: CurrentAccount,
    days: Annotated[int, Query(ge=1, le=money_rules.DRY_RUN_DAYS)] = money_rules.DRY_RUN_DAYS,
) -> RuleDryRun:
    """The rule replayed over the last `days` days of my real cash and savings: each
    action it would have taken, and which would have been refused."""
    async with db.read(snapshot=True) as conn:
        return await money_rules.dry_run(conn, account, rule_id, days)


@router.put(
    "/rules/{rule_id}/on",
    response_model=MoneyRule,
    summary="Switch a rule on",
    responses=refuses(403, 404),
)
async def switch_on(rule_id: str, db: Db, proof: PinChecked) -> MoneyRule:
    """With the payments PIN: a rule moves money while nobody watches."""
    async with db.write() as tx:
        return await money_rules.switch_on(tx, proof, rule_id)


@router.delete(
    "/rules/{rule_id}/on",
    response_model=MoneyRule,
    summary="Switch a rule off",
    responses=refuses(404),
)
async def switch_off(rule_id: str, db: Db, account: CurrentAccount) -> MoneyRule:
    async with db.write() as tx:
        return await money_rules.switch_off(tx, account, rule_id)


@router.delete("/rules/{rule_id}", status_code=204, summary="Delete a rule", responses=refuses(404))
async def delete(rule_id: str, db: Db, account: CurrentAccount) -> Response:
    async with db.write() as tx:
        await money_rules.delete(tx, account, rule_id)
    return Response(status_code=204)
