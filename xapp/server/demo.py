"""The demo world behind `xapp` with no server named: a handful of people with posts,
follows, money and conversations, kept alive by a little scripted activity.

Everything goes through the same domain functions as the HTTP routes, so the demo's
posts, messages and payments reach the feed exactly as real ones do.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets

from sqlalchemy import delete, update

from xapp.api.models import Account, Money
from xapp.server import accounts, bills, chat, ledger, messages, money_out, payments, pins, posts
from xapp.server.auth import Passwords, issue_token
from xapp.server.db import Database, Tx
from xapp.server.pages import Cursor
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import tokens

log = logging.getLogger("xapp.server.demo")

DEMO_HANDLE = "you"
DEMO_PASSWORD = "demo-password"
"""@you's password, shown in the app where it is needed (setting a payments PIN). The
demo world only ever listens on loopback, and holds play money."""

PEOPLE = [
    ("ada", "Ada Lovelace"),
    ("grace", "Grace Hopper"),
    ("alan", "Alan Turing"),
    ("margaret", "Margaret Hamilton"),
    ("dennis", "Dennis Ritchie"),
    ("radia", "Radia Perlman"),
]

POSTS = [
    "The engine might compose elaborate pieces of music. Tested it on a TUI today.",
    "It's easier to ask forgiveness than it is to get permission.",
    "We can only see a short distance ahead, but we can see plenty there that needs to be done.",
    "Software engineering: the discipline of writing code that works when nobody is watching.",
    "UNIX is simple. It just takes a genius to understand its simplicity.",
    "A network should route around damage. So should a chat app.",
    "Coffee, then code review, then more coffee.",
    "Paid the bakery from my terminal. The future is keyboard shaped.",
    "Reminder: money is integers. Never floats. Never.",
    "Who else is still using tmux in 2026? Everyone? Good.",
    "Shipping is a feature.",
    "Just split a bill with a three-line command. This is the way.",
    "Hot take: every list that can grow should render lines, not widgets.",
    "Reading about double-entry bookkeeping. Luca Pacioli was a genius.",
]

MESSAGES = [
    "hey! did you see the new timeline?",
    "lunch tomorrow?",
    "sending you the money for the tickets now",
    "ha, that post was great",
    "can you review my patch when you get a minute?",
    "thanks for yesterday 🙏",
    "are we still on for the hackathon?",
    "just landed, talk soon",
]

REPLIES = [
    "Welcome aboard @you!",
    "Agreed. Integers all the way down.",
    "This is the way.",
    "Ha! Same here.",
    "Tell me more, @you.",
]
NOTES = ["coffee ☕", "pizza 🍕", "tickets", "lunch", "thanks!", "books", "taxi", "rent share"]


def _money(dollars: int) -> Money:
    return Money(amount=dollars * 100, currency=ledger.DEFAULT_CURRENCY)


async def seed(db: Database, passwords: Passwords, rules: money_out.Rules) -> None:
    """Create the demo world once; a database that already has it is left alone, except
    that @you's password becomes the published one (worlds seeded before it had a
    random one, and setting a payments PIN needs it)."""
    async with db.read() as conn:
        row = await accounts.password_hash_for(conn, DEMO_HANDLE)
    if row is not None:
        if not await passwords.verify(row.password_hash, DEMO_PASSWORD):
            new_hash = await passwords.hash(DEMO_PASSWORD)
            async with db.write() as tx:
                await tx.conn.execute(
                    update(accounts_table)
                    .where(accounts_table.c.id == row.id)
                    .values(password_hash=new_hash)
                )
        return
    hashes = [await passwords.hash(DEMO_PASSWORD)] + [
        await passwords.hash(secrets.token_urlsafe(24)) for _ in PEOPLE
    ]
    rng = random.Random(7)
    async with db.write() as tx:
        me = await accounts.create(tx, DEMO_HANDLE, "You (demo)", hashes[0])
        people = [
            await accounts.create(tx, handle, name, h)
            for (handle, name), h in zip(PEOPLE, hashes[1:], strict=True)
        ]
        everyone = [me, *people]
        for follower in everyone:
            for followee in everyone:
                if follower.id != followee.id:
                    await accounts.follow(tx, follower, followee.handle)
        for person in people:
            await payments.deposit(tx, person, _money(500))
        await payments.deposit(tx, me, _money(250))
        for text in rng.sample(POSTS, 8):
            await posts.create(tx, rng.choice(people), text)
        await posts.create(tx, me, "Hello from xapp! Press n to post, m to message, p to pay.")
        for friend, lines in ((people[0], MESSAGES[:3]), (people[1], MESSAGES[3:5])):
            conversation, _ = await chat.start(tx, me, [friend.handle])
            for i, text in enumerate(lines):
                await messages.send(tx, friend if i % 2 == 0 else me, conversation.id, text)
        await _pay(tx, people[0], me, _money(12), "tickets 🎟", rules)
        await bills.request(tx, people[1], [me.handle], _money(8), "coffee beans ☕")
        group, _ = await chat.start(tx, people[0], [me.handle, people[2].handle], "Dinner club")
        await messages.send(tx, people[0], group.id, "dinner was great! splitting it here")
        dinner = await bills.split(tx, people[0], group.id, _money(90), "dinner 🍝", None)
        await messages.send(tx, people[0], group.id, dinner.summary, bill=dinner)
    log.info("seeded the demo world")


async def demo_token(db: Database) -> str:
    """A fresh session for the demo account; the embedded client signs in with it, and
    the sessions of earlier runs end (only this process holds the embedded world)."""
    async with db.write() as tx:
        me = await accounts.by_handle(tx.conn, DEMO_HANDLE)
        await tx.conn.execute(delete(tokens).where(tokens.c.account_id == me.id))
        return await issue_token(tx, me.id)


async def _pay(
    tx: Tx, payer: Account, payee: Account, amount: Money, note: str, rules: money_out.Rules
) -> None:
    """A scripted person pays: the same money rules as anyone (they have no PIN)."""
    order = money_out.Payment(payee.handle, amount, note)
    await money_out.send(tx, await pins.pinless(tx.conn, payer), order, rules)


async def _act(
    tx: Tx, rng: random.Random, me: Account, people: list[Account], rules: money_out.Rules
) -> None:
    person = rng.choice(people)
    roll = rng.random()
    if roll < 0.4:
        await posts.create(tx, person, rng.choice(POSTS))
    elif roll < 0.5:
        await _answer(tx, rng, me, person)
    elif roll < 0.9:
        conversation, _ = await chat.start(tx, person, [me.handle])
        await messages.send(tx, person, conversation.id, rng.choice(MESSAGES))
    elif roll < 0.93:
        waiting = await bills.requests_for(tx.conn, me, "incoming", "open", Cursor(limit=3))
        if len(waiting.items) < 3:  # a few open requests make a demo; a pile is a chore
            amount = Money(amount=rng.randrange(300, 3000, 50), currency=ledger.DEFAULT_CURRENCY)
            await bills.request(tx, person, [me.handle], amount, rng.choice(NOTES))
    else:
        balances = await ledger.balances(tx.conn, person.id)
        if balances and balances[0].amount < 5000:
            await payments.deposit(tx, person, _money(500))
        amount = Money(amount=rng.randrange(100, 2000, 25), currency=ledger.DEFAULT_CURRENCY)
        await _pay(tx, person, me, amount, rng.choice(NOTES), rules)


async def _answer(tx: Tx, rng: random.Random, me: Account, person: Account) -> None:
    """Someone likes, reposts or answers one of the demo account's recent posts, so
    notifications have something to say."""
    mine = (await posts.home(tx.conn, me, Cursor(limit=20))).items
    own = [p for p in mine if p.author.id == me.id and p.repost_of is None]
    if not own:
        return
    post = rng.choice(own)
    roll = rng.random()
    if roll < 0.5:
        await posts.like(tx, person, post.id, on=True)
    elif roll < 0.7:
        await posts.repost(tx, person, post.id)
    else:
        await posts.create(tx, person, rng.choice(REPLIES), reply_to=post.id)


async def keep_alive(db: Database, interval: float, rules: money_out.Rules) -> None:
    """Scripted activity until cancelled: a post or a message every few seconds and now
    and then a payment to the demo account."""
    rng = random.Random()
    async with db.read() as conn:
        me = await accounts.by_handle(conn, DEMO_HANDLE)
        people = [await accounts.by_handle(conn, handle) for handle, _ in PEOPLE]
    while True:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * interval)
        try:
            async with db.write() as tx:
                await _act(tx, rng, me, people, rules)
        except Exception:  # the demo must never take the server down
            log.exception("demo activity failed")
