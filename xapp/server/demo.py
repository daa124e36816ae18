"""The demo world behind `xapp` with no server named: a handful of people with posts,
follows, money and conversations, kept alive by a little scripted activity.

Everything goes through the same domain functions as the HTTP routes, so the demo's
posts, messages and payments reach the feed exactly as real ones do. The words are in
`demo_lines.py`; this module decides who says what, and when.

The script is meant to be left running for an hour without wearing thin:

- each person posts from their own lines, dealt like cards (`Deck`): every line once
  before any comes again, never the same one twice running;
- in a chat with the demo account, a person says at most `UNANSWERED` things in a row
  (a topic's opener and its nudge) and then waits for an answer, so unread messages
  stay a handful per conversation however long the demo runs; once answered, they
  reply with what their topic says fits any answer;
- nothing is ever written as the demo account: what "you" said, you said.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import secrets
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import delete, select, update

from xapp.api.models import Account, LinkBankAccount, Message, Money, SubmitVerification
from xapp.server import (
    accounts,
    banking,
    bills,
    chat,
    ledger,
    messages,
    money_out,
    payments,
    pins,
    posts,
    savings,
    verification,
)
from xapp.server.auth import Passwords, issue_token
from xapp.server.clock import now_us
from xapp.server.db import Conn, Database, Tx
from xapp.server.demo_lines import (
    ANSWERS,
    GROUP_LINES,
    NOTES,
    POST_REPLIES,
    VOICES,
    WELCOME_REPLIES,
    Voice,
)
from xapp.server.pages import Cursor
from xapp.server.rail import Rail
from xapp.server.schema import accounts as accounts_table
from xapp.server.schema import posts as posts_table
from xapp.server.schema import tokens

log = logging.getLogger("xapp.server.demo")

DEMO_HANDLE = "you"
DEMO_PASSWORD = "demo-password"
"""@you's password, shown in the app where it is needed (setting a payments PIN). The
demo world only ever listens on loopback, and holds play money."""

PEOPLE = [(voice.handle, voice.name) for voice in VOICES]
WELCOME_POST = "Hello from xapp! Press n to post, m to message, p to pay."
GROUP_NAME = "Dinner club"

UNANSWERED = 2
"""Messages a scripted person sends in a row in a chat with the demo account before
waiting for an answer: unread stays a handful per conversation."""

PAUSE_SECONDS = 5 * 60
"""How long a chat rests after its last message before someone there says something new
unprompted (an answer to the demo account comes at once): people talk, then get on
with their day."""

OPEN_REQUESTS = 3
"""Open requests to the demo account the script lets stand: a few make a demo, a pile
is a chore."""

T = TypeVar("T")


class Deck(Generic[T]):
    """Items dealt in shuffled rounds, each once per round. What was dealt lately (the
    last half a round) comes last in the next round, so nothing comes twice running
    and a line is not heard again until most of the others have been."""

    def __init__(self, items: Sequence[T], rng: random.Random) -> None:
        if not items:
            raise ValueError("a deck needs something to deal")
        self._items = list(items)
        self._rng = rng
        self._left: list[T] = []
        self._recent: deque[T] = deque(maxlen=max(1, len(self._items) // 2))

    def draw(self) -> T:
        if not self._left:
            order = self._rng.sample(self._items, len(self._items))
            # Dealt from the end: the recent ones go to the front, to come last.
            order.sort(key=lambda item: item not in self._recent)
            self._left = order
        item = self._left.pop()
        self._recent.append(item)
        return item

    def dealt(self, items: Sequence[T]) -> None:
        """These were dealt already, newest first (before a restart, say)."""
        self._recent.extend(reversed(items))


def _money(dollars: int) -> Money:
    return Money(amount=dollars * 100, currency=ledger.DEFAULT_CURRENCY)


DEMO_BANK = LinkBankAccount(
    holder="You (demo)", routing_number="110000000", account_number="000123456789"
)
"""The sandbox bank the demo's own account has linked, so `a` adds money at once."""
DEMO_PAPERS = SubmitVerification(
    legal_name="You (demo)", birth_date=dt.date(1990, 5, 17), country="US"
)
"""The demo account is verified, so it may withdraw to the sandbox bank."""


async def seed(
    db: Database,
    passwords: Passwords,
    rules: money_out.Rules,
    rail: Rail | None = None,
    savings_apy: Decimal = Decimal("4.00"),
) -> None:
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
        await passwords.hash(secrets.token_urlsafe(24)) for _ in VOICES
    ]
    rng = random.Random(7)
    async with db.write() as tx:
        me = await accounts.create(tx, DEMO_HANDLE, "You (demo)", hashes[0])
        people = [
            await accounts.create(tx, voice.handle, voice.name, h)
            for voice, h in zip(VOICES, hashes[1:], strict=True)
        ]
        everyone = [me, *people]
        for follower in everyone:
            for followee in everyone:
                if follower.id != followee.id:
                    await accounts.follow(tx, follower, followee.handle)
        for person in people:
            await payments.deposit(tx, person, _money(500), minted_for="demo_seed")
        await payments.deposit(tx, me, _money(250), minted_for="demo_seed")
        await verification.submit(tx, me, DEMO_PAPERS, seconds=0)
        if rail is not None:
            await banking.link(tx, rail, me, DEMO_BANK)
        await savings.move(tx, me, _money(100), True, savings_apy)
        # Everyone's first line, and half of them their second, in a shuffled order.
        first_posts = [
            (person, text)
            for i, (person, voice) in enumerate(zip(people, VOICES, strict=True))
            for text in voice.posts[: 1 + i % 2]
        ]
        for person, text in rng.sample(first_posts, len(first_posts)):
            await posts.create(tx, person, text)
        await posts.create(tx, me, WELCOME_POST)
        # Chats the demo account finds waiting: only the others speak, never "you".
        for person, voice, lines in ((people[0], VOICES[0], 2), (people[1], VOICES[1], 1)):
            conversation, _ = await chat.start(tx, person, [me.handle])
            topic = voice.topics[0]
            for text in (topic.opener, topic.nudge)[:lines]:
                await messages.send(tx, person, conversation.id, text)
        await _pay(tx, people[0], me, _money(12), "tickets 🎟", rules)
        await bills.request(tx, people[1], [me.handle], _money(8), "coffee beans ☕")
        group, _ = await chat.start(tx, people[0], [me.handle, people[2].handle], GROUP_NAME)
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


@dataclass(frozen=True)
class Thread:
    """Where a chat with the demo account stands: its newest messages (system lines
    left out), newest first, enough to see who spoke last and how often in a row."""

    conversation_id: str | None
    recent: list[Message]
    me: Account
    answers: frozenset[str]
    """Every line that answers the demo account: after one, the talk is done."""

    @property
    def resting(self) -> bool:
        """The last word came less than PAUSE_SECONDS ago (by the server's clock)."""
        if not self.recent:
            return False
        return now_us() / 1_000_000 - self.recent[0].created_at.timestamp() < PAUSE_SECONDS

    @property
    def owed(self) -> bool:
        """The demo account spoke last and expects an answer: it started the talk or
        answered a topic. After their own answer, the next word waits for the pause."""
        if not self.recent or self.recent[0].sender.id != self.me.id:
            return False
        before = next((m.text for m in self.recent if m.sender.id != self.me.id), None)
        return before not in self.answers or not self.resting

    @property
    def unanswered(self) -> int:
        """Messages since the demo account last spoke."""
        count = 0
        for message in self.recent:
            if message.sender.id == self.me.id:
                break
            count += 1
        return count

    @property
    def free(self) -> bool:
        """Free to say something new: nothing owed or awaited, and the chat has rested."""
        return not self.owed and self.unanswered < UNANSWERED and not self.resting

    def last_from(self, person: Account) -> str | None:
        return next((m.text for m in self.recent if m.sender.id == person.id), None)


class Script:
    """The scripted people: one `act` is one thing one of them does. Its randomness
    comes from the `rng` it is given, so a test can run an hour of it from a seed."""

    def __init__(
        self,
        rng: random.Random,
        me: Account,
        cast: list[tuple[Account, Voice]],
        rules: money_out.Rules,
    ) -> None:
        self.rng = rng
        self.me = me
        self.cast = cast
        self.rules = rules
        self.posts = {person.id: Deck(voice.posts, rng) for person, voice in cast}
        self.topics = {person.id: Deck(voice.topics, rng) for person, voice in cast}
        self.topic_of = {
            line: topic
            for _, voice in cast
            for topic in voice.topics
            for line in (topic.opener, topic.nudge)
        }
        self.answers = {person.id: Deck(ANSWERS, rng) for person, _ in cast}
        self.said_answers = frozenset(
            [*ANSWERS, *(topic.answer for _, voice in cast for topic in voice.topics)]
        )
        self.group_answers = Deck(ANSWERS, rng)
        self.group_lines = Deck(GROUP_LINES, rng)
        self.welcomes = Deck(WELCOME_REPLIES, rng)
        self.replies = Deck(POST_REPLIES, rng)
        self.notes = Deck(NOTES, rng)

    @classmethod
    async def load(cls, conn: Conn, rng: random.Random, rules: money_out.Rules) -> Script:
        """The script for this database's demo world, picking up where its people left
        off (their latest posts are not dealt again first)."""
        me = await accounts.by_handle(conn, DEMO_HANDLE)
        cast = [(await accounts.by_handle(conn, voice.handle), voice) for voice in VOICES]
        script = cls(rng, me, cast, rules)
        threads = await script._threads(conn)
        for person, voice in cast:
            latest = await conn.execute(
                select(posts_table.c.text)
                .where(
                    posts_table.c.author_id == person.id,
                    posts_table.c.reply_to.is_(None),
                    posts_table.c.repost_of.is_(None),
                )
                .order_by(posts_table.c.pk.desc())
                .limit(len(voice.posts) - 1)
            )
            script.posts[person.id].dealt([text for (text,) in latest])
            said = [script.topic_of.get(m.text) for m in threads[person.id].recent]
            script.topics[person.id].dealt([topic for topic in said if topic is not None])
        return script

    async def act(self, tx: Tx) -> None:
        """One scripted thing: an answer to the demo account when one is due (usually),
        otherwise a post, a reaction to its posts, a chat line, a request or a payment.
        A chat line nobody is free to say, or a request beyond the few, is nothing: a
        quiet moment, not a post instead."""
        threads = await self._threads(tx.conn)
        owed = [(key, thread) for key, thread in threads.items() if thread.owed]
        if owed and self.rng.random() < 0.6:
            key, thread = self.rng.choice(owed)
            await self._answer(tx, key, thread)
            return
        roll = self.rng.random()
        if roll < 0.30:
            await self._post(tx)
        elif roll < 0.40:
            await self._react_to_mine(tx)
        elif roll < 0.78:
            await self._chat(tx, threads)
        elif roll < 0.88:
            await self._group(tx, threads)
        elif roll < 0.93:
            await self._request(tx)
        else:
            await self._payment(tx)

    async def _threads(self, conn: Conn) -> dict[str | None, Thread]:
        """The demo account's chat with each scripted person (keyed by their id; a
        conversation not started yet has no id) and the dinner club (keyed None)."""
        ids = {person.id for person, _ in self.cast}
        found: dict[str | None, Thread] = {
            person.id: Thread(None, [], self.me, self.said_answers) for person, _ in self.cast
        }
        listing = await chat.list_for(conn, self.me, Cursor(limit=50))
        for conversation in listing.items:
            others = [m.id for m in conversation.members if m.id != self.me.id]
            if conversation.is_group:
                if conversation.name != GROUP_NAME or None in found:
                    continue  # the newest dinner club is the one the script talks in
                key: str | None = None
            elif len(others) == 1 and others[0] in ids:
                key = others[0]
            else:
                continue
            page = await messages.history(
                conn, self.me, conversation.id, Cursor(limit=UNANSWERED + 2)
            )
            said = [m for m in page.items if m.kind != "system" and not m.deleted]
            found[key] = Thread(conversation.id, said, self.me, self.said_answers)
        return found

    def _voice(self, person_id: str) -> tuple[Account, Voice]:
        return next((p, v) for p, v in self.cast if p.id == person_id)

    async def _answer(self, tx: Tx, key: str | None, thread: Thread) -> None:
        """Answer the demo account: a topic's own answer when one of theirs was open, a
        short answer when the demo account began, and after an answer already given, a
        new topic, rather than trading thumbs-ups for ever."""
        assert thread.conversation_id is not None
        if key is None:  # the dinner club: whoever of its people is around
            members = await messages.require_member(tx.conn, self.me, thread.conversation_id)
            person = self.rng.choice([p for p, _ in self.cast if p.id in members])
            text = self.group_answers.draw()
        else:
            person, _ = self._voice(key)
            last = thread.last_from(person)
            topic = self.topic_of.get(last or "")
            if topic is not None:
                text = topic.answer
            elif last in self.said_answers:
                text = self.topics[person.id].draw().opener
            else:
                text = self.answers[person.id].draw()
        await messages.send(tx, person, thread.conversation_id, text)

    async def _post(self, tx: Tx) -> None:
        person, _ = self.rng.choice(self.cast)
        await posts.create(tx, person, self.posts[person.id].draw())

    async def _chat(self, tx: Tx, threads: dict[str | None, Thread]) -> None:
        """Someone who owes no answer and is not waiting for one says the next thing: a
        new topic's opener, or the nudge of the one they opened."""
        free = [(p, v) for p, v in self.cast if threads[p.id].free]
        if not free:
            return
        person, _ = self.rng.choice(free)
        thread = threads[person.id]
        opened = self.topic_of.get(thread.recent[0].text) if thread.unanswered else None
        if opened is not None and thread.recent[0].text == opened.opener:
            text = opened.nudge
        else:
            text = self.topics[person.id].draw().opener
        conversation, _ = await chat.start(tx, person, [self.me.handle])
        await messages.send(tx, person, conversation.id, text)

    async def _group(self, tx: Tx, threads: dict[str | None, Thread]) -> None:
        group = threads.get(None)
        if group is None or group.conversation_id is None or not group.free:
            return
        members = await messages.require_member(tx.conn, self.me, group.conversation_id)
        person = self.rng.choice([p for p, _ in self.cast if p.id in members])
        await messages.send(tx, person, group.conversation_id, self.group_lines.draw())

    async def _react_to_mine(self, tx: Tx) -> None:
        """Someone likes, reposts or answers one of the demo account's recent posts,
        each at most once, so notifications have something to say."""
        mine = (await posts.home(tx.conn, self.me, Cursor(limit=20))).items
        own = [p for p in mine if p.author.id == self.me.id and p.repost_of is None]
        if not own:
            return
        post = self.rng.choice(own)
        person, _ = self.rng.choice(self.cast)
        seen = await posts.get(tx.conn, person, post.id)
        replied = await tx.conn.scalar(
            select(posts_table.c.id).where(
                posts_table.c.reply_to == post.id, posts_table.c.author_id == person.id
            )
        )
        choices = [
            name
            for name, done in (("like", seen.liked), ("repost", seen.reposted), ("reply", replied))
            if not done
        ]
        if not choices:
            return
        match self.rng.choice(choices):
            case "like":
                await posts.like(tx, person, post.id, on=True)
            case "repost":
                await posts.repost(tx, person, post.id)
            case _:
                lines = self.welcomes if post.text == WELCOME_POST else self.replies
                await posts.create(tx, person, lines.draw(), reply_to=post.id)

    async def _request(self, tx: Tx) -> None:
        waiting = await bills.requests_for(
            tx.conn, self.me, "incoming", "open", Cursor(limit=OPEN_REQUESTS)
        )
        if len(waiting.items) >= OPEN_REQUESTS:
            return
        person, _ = self.rng.choice(self.cast)
        amount = Money(amount=self.rng.randrange(300, 3000, 50), currency=ledger.DEFAULT_CURRENCY)
        await bills.request(tx, person, [self.me.handle], amount, self.notes.draw())

    async def _payment(self, tx: Tx) -> None:
        person, _ = self.rng.choice(self.cast)
        balances = await ledger.balances(tx.conn, person.id)
        if balances and balances[0].amount < 5000:
            await payments.deposit(tx, person, _money(500), minted_for="demo_seed")
        amount = Money(amount=self.rng.randrange(100, 2000, 25), currency=ledger.DEFAULT_CURRENCY)
        await _pay(tx, person, self.me, amount, self.notes.draw(), self.rules)


async def keep_alive(db: Database, interval: float, rules: money_out.Rules) -> None:
    """Scripted activity until cancelled: one thing every `interval` seconds on average."""
    async with db.read() as conn:
        script = await Script.load(conn, random.Random(), rules)
    while True:
        await asyncio.sleep(script.rng.uniform(0.5, 1.5) * interval)
        try:
            async with db.write() as tx:
                await script.act(tx)
        except Exception:  # the demo must never take the server down
            log.exception("demo activity failed")
