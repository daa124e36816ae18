"""Tables, as SQLAlchemy Core metadata. Migrations in `migrations/` create them; this
module is what queries are written against.

Every table with a list behind it has an integer `pk` that orders it (cursors are built
on it) beside a random public `id`: ids never reveal how many of anything exist, and a
cursor never skips or repeats a row that was inserted while a reader paged.

Times are integer microseconds since the epoch (UTC): portable across SQLite and
PostgreSQL and exact to compare.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

from xapp.server.clock import now_us as now_us  # re-exported: scripts build rows with it

metadata = MetaData()

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants a BIGINT identity.
PK = BigInteger().with_variant(Integer(), "sqlite")


def pk_column() -> Column:
    return Column("pk", PK, primary_key=True, autoincrement=True)


def to_datetime(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def new_id() -> str:
    """A UUIDv7 string: time-ordered for index locality, 74 random bits, never sequential."""
    ms = time.time_ns() // 1_000_000
    rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
    rand_b = int.from_bytes(os.urandom(8), "big") & (2**62 - 1)
    value = ms << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


accounts = Table(
    "accounts",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("handle", String(15), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("event_seq", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    # The UTS #39 skeleton of the handle: unique, so no two handles look alike.
    Column("handle_skeleton", String(45)),
    Column("pin_hash", String(200)),
    Column("pin_attempts", Integer, nullable=False, server_default="0"),
    Column("pin_locked_until", BigInteger, nullable=False, server_default="0"),
    Column("read_receipts", Boolean, nullable=False, server_default=true()),
    # The newest notification pk the account has seen: the unread count starts after it.
    Column("notifications_seen", BigInteger, nullable=False, server_default="0"),
    Column("bio", Text, nullable=False, server_default=""),
    Index("ix_accounts_skeleton", "handle_skeleton", unique=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("label", Text),  # what signed in (its User-Agent), shown in the session list
    Column("address", String(64)),  # where from
)

follows = Table(
    "follows",
    metadata,
    Column("follower_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("followee_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_follows_followee", "followee_id"),
)

notifications = Table(
    "notifications",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("actor_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("post_id", String(36)),
    Column("detail", Text),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_notifications_account_pk", "account_id", "pk"),
)

blocks = Table(
    "blocks",
    metadata,
    Column("blocker_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("blocked_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_blocks_blocked", "blocked_id"),
)

mutes = Table(
    "mutes",
    metadata,
    Column("muter_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("muted_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

posts = Table(
    "posts",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("author_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("reply_to", String(36)),
    Column("quote_of", String(36)),
    Column("repost_of", String(36)),
    # Counters move in the transaction that adds or removes what they count.
    Column("reply_count", BigInteger, nullable=False, server_default="0"),
    Column("like_count", BigInteger, nullable=False, server_default="0"),
    Column("repost_count", BigInteger, nullable=False, server_default="0"),
    Column("quote_count", BigInteger, nullable=False, server_default="0"),
    Column("edited_at", BigInteger),
    Column("deleted_at", BigInteger),
    Index("ix_posts_author_pk", "author_id", "pk"),
    Index("ix_posts_reply_to_pk", "reply_to", "pk"),
    Index("ux_posts_repost", "author_id", "repost_of", unique=True),
)

timeline_entries = Table(
    "timeline_entries",
    metadata,
    # Fan-out on write: a post (or repost) is listed here once for its author and once for
    # each follower, so a home page is one walk down (account_id, post_pk) at any size.
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("post_pk", BigInteger, primary_key=True),
    Column("author_id", String(36), nullable=False),
    Index("ix_timeline_entries_author", "account_id", "author_id"),
)

likes = Table(
    "likes",
    metadata,
    Column("post_id", String(36), ForeignKey("posts.id"), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_likes_account_at", "account_id", "created_at"),  # what I liked, when
)

bookmarks = Table(
    "bookmarks",
    metadata,
    pk_column(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("post_id", String(36), ForeignKey("posts.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "post_id", name="uq_bookmarks_account_post"),
    Index("ix_bookmarks_account_pk", "account_id", "pk"),
)

post_edits = Table(
    "post_edits",
    metadata,
    pk_column(),
    Column("post_id", String(36), ForeignKey("posts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("written_at", BigInteger, nullable=False),
    Index("ix_post_edits_post_pk", "post_id", "pk"),
)

conversations = Table(
    "conversations",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("pair_key", String(80), unique=True),
    Column("name", Text),
    Column("is_group", Boolean, nullable=False, server_default=false()),
    Column("created_by", String(36)),
    Column("activity", BigInteger, nullable=False),
    # The newest message's position: each message takes the next (messages.send).
    Column("last_position", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

conversation_members = Table(
    "conversation_members",
    metadata,
    Column("conversation_id", String(36), ForeignKey("conversations.id"), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("joined_at", BigInteger, nullable=False),
    Column("role", String(10), nullable=False, server_default="member"),
    # Message positions this member's client has received and has shown.
    Column("delivered_position", BigInteger, nullable=False, server_default="0"),
    Column("read_position", BigInteger, nullable=False, server_default="0"),
    Index("ix_members_account", "account_id"),
)

messages = Table(
    "messages",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("conversation_id", String(36), ForeignKey("conversations.id"), nullable=False),
    Column("sender_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("kind", String(10), nullable=False, server_default="text"),
    Column("transfer_id", String(36)),
    Column("bill_id", String(36)),
    Column("reply_to", String(36)),
    Column("edited_at", BigInteger),
    Column("deleted_at", BigInteger),
    Column("client_key", String(255)),
    # 1, 2, 3, … within the conversation: what members see, never the global row number.
    Column("position", BigInteger, nullable=False, server_default="0"),
    Index("ix_messages_conversation_pk", "conversation_id", "pk"),
    Index("ix_messages_conversation_position", "conversation_id", "position", unique=True),
)

reactions = Table(
    "reactions",
    metadata,
    Column("message_id", String(36), ForeignKey("messages.id"), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("emoji", String(32), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("owner_id", String(36), ForeignKey("accounts.id")),
    Column("currency", String(3), nullable=False),
    Column("balance", BigInteger, nullable=False, server_default="0"),
    Column("allow_negative", Boolean, nullable=False),
    CheckConstraint("allow_negative OR balance >= 0", name="no_overdraft"),
)

transfers = Table(
    "transfers",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("debit_account_id", String(36), ForeignKey("ledger_accounts.id"), nullable=False),
    Column("credit_account_id", String(36), ForeignKey("ledger_accounts.id"), nullable=False),
    Column("sender_id", String(36), ForeignKey("accounts.id")),
    Column("recipient_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("release_at", BigInteger),
    Column("refunded", BigInteger, nullable=False, server_default="0"),
    Column("refund_of", String(36)),
    Column("request_id", String(36)),
    Column("post_id", String(36)),
    Column("conversation_id", String(36)),
    Column("shared", Boolean, nullable=False, server_default=false()),
    Column("received_amount", BigInteger),  # an exchange: what it bought
    Column("received_currency", String(3)),
    CheckConstraint("amount > 0", name="positive_amount"),
    Index("ix_transfers_sender_pk", "sender_id", "pk"),
    Index("ix_transfers_recipient_pk", "recipient_id", "pk"),
    Index("ix_transfers_pending", "status", "release_at"),
    Index("ix_transfers_refund_of", "refund_of"),
    Index("ix_transfers_post", "post_id"),
)

bills = Table(
    "bills",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("requester_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # request (the same from each) or split
    Column("conversation_id", String(36)),
    Column("total", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

payment_requests = Table(
    "payment_requests",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("bill_id", String(36), ForeignKey("bills.id"), nullable=False, index=True),
    Column("requester_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("payer_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("transfer_id", String(36)),
    Column("reminded_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_requests_payer_pk", "payer_id", "pk"),
    Index("ix_requests_requester_pk", "requester_id", "pk"),
)

postings = Table(
    "postings",
    metadata,
    pk_column(),
    Column("transfer_id", String(36), ForeignKey("transfers.id"), nullable=False, index=True),
    Column("ledger_account_id", String(36), ForeignKey("ledger_accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Index("ix_postings_account", "ledger_account_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("type", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

minted = Table(
    # Money that entered with no bank behind it, and why: the demo world's seed, or a
    # server started with `instant_deposits` (tests). The audit names these, and flags a
    # deposit that is neither here nor the bank rail's as money from nowhere.
    "minted",
    metadata,
    Column("transfer_id", String(36), ForeignKey("transfers.id"), primary_key=True),
    Column("reason", String(20), nullable=False),  # demo_seed, instant_deposit
)

known_devices = Table(
    # A device that signed in to an account with the right password: its sign-ins skip
    # the account-wide throttle (distributed guessing cannot lock the owner out of it).
    "known_devices",
    metadata,
    Column("device_hash", String(64), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
)

login_attempts = Table(
    # Sign-in attempts per key (a handle, an address) in a fixed window: in the database,
    # so every server process counts the same attempts (auth.LoginLimiter).
    "login_attempts",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("window_start", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False),
)

# --- the bank rail (banking.py, rail.py) -------------------------------------------------

bank_links = Table(
    # A person's linked bank account, as xapp keeps it: never the full number (the rail
    # holds that; `rail_token` names it there).
    "bank_links",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("holder", Text, nullable=False),
    Column("bank_name", Text, nullable=False),
    Column("last4", String(4), nullable=False),
    Column("rail_token", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

bank_transfers = Table(
    # Money between a person's wallet and their bank; `id` is the ledger transfer's.
    "bank_transfers",
    metadata,
    pk_column(),
    Column("id", String(36), ForeignKey("transfers.id"), nullable=False, unique=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("direction", String(3), nullable=False),  # in (deposit), out (withdrawal)
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(10), nullable=False),  # pending, settled, failed, returned
    Column("rail_ref", String(64), nullable=False, unique=True),
    Column("reason", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_bank_transfers_account_pk", "account_id", "pk"),
)

rail_accounts = Table(
    # The sandbox rail's own books: the bank accounts it knows.
    "rail_accounts",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("number", String(17), nullable=False),
    Column("routing", String(9), nullable=False),
)

rail_orders = Table(
    # The sandbox rail's own books: each order, when it answers, and what it has told xapp.
    "rail_orders",
    metadata,
    Column("ref", String(64), primary_key=True),
    Column("token", String(64), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("outcome", String(10), nullable=False),  # settle, fail, return
    Column("answer_at", BigInteger, nullable=False),
    Column("return_at", BigInteger),
    Column("told", String(10), nullable=False),  # nothing, settled, failed, returned
    Index("ix_rail_orders_due", "told", "answer_at"),
)

# --- savings (savings.py) -----------------------------------------------------------------

savings_rates = Table(
    # Each day's dividend rate, kept: a day's rate never changes once written.
    "savings_rates",
    metadata,
    Column("day", Integer, primary_key=True),  # a proleptic Gregorian ordinal (date.toordinal)
    Column("apy_bp", Integer, nullable=False),
    Column("rate_e18", BigInteger, nullable=False),  # the day's rate, times 10**18
)

savings_positions = Table(
    # A savings position's accrual: whole minor units accrued this month and the exact
    # remainder below one minor unit (in 10**-18 of one), carried into the next month.
    "savings_positions",
    metadata,
    Column("ledger_account_id", String(36), ForeignKey("ledger_accounts.id"), primary_key=True),
    Column("owner_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("month", Integer, nullable=False),  # ordinal of the first day of the month accruing
    Column("accrued_through", Integer, nullable=False),  # ordinal of the last day accrued
    Column("accrued", BigInteger, nullable=False),
    Column("carry", BigInteger, nullable=False),
    Column("earned", BigInteger, nullable=False),
    Index("ix_savings_positions_month", "month"),
)

# --- FX (fx.py) -----------------------------------------------------------------------------

fx_quotes = Table(
    "fx_quotes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("sell_amount", BigInteger, nullable=False),
    Column("sell_currency", String(3), nullable=False),
    Column("fee", BigInteger, nullable=False),
    Column("rate", String(40), nullable=False),
    Column("buy_amount", BigInteger, nullable=False),
    Column("buy_currency", String(3), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("transfer_id", String(36)),
)

# --- scheduled payments (schedules.py) ---------------------------------------------------

schedules = Table(
    "schedules",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("payer_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("payee_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False),
    Column("cadence", String(10), nullable=False),  # once, weekly, monthly
    Column("day_of_month", Integer),  # monthly: the day asked for (31: the month's last)
    Column("next_run", Integer),  # ordinal of the next day it runs; none once it is over
    Column("status", String(10), nullable=False),  # active, paused, cancelled, done, failed
    Column("failures", Integer, nullable=False),  # failed runs in a row
    Column("last_error", Text),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_schedules_payer_pk", "payer_id", "pk"),
    Index("ix_schedules_due", "status", "next_run"),
)

schedule_runs = Table(
    # One row per occurrence that ran: its primary key is the claim that makes it once.
    "schedule_runs",
    metadata,
    Column("schedule_id", String(36), ForeignKey("schedules.id"), primary_key=True),
    Column("day", Integer, primary_key=True),
    Column("transfer_id", String(36)),
    Column("error", Text),
    Column("ran_at", BigInteger, nullable=False),
)

# --- creator payouts (creators.py) ---------------------------------------------------------

creator_months = Table(
    # One row per month paid: the claim that pays it once, and what it carried.
    "creator_months",
    metadata,
    Column("month", Integer, primary_key=True),  # ordinal of the month's first day
    Column("pool", BigInteger, nullable=False),
    Column("carried_in", BigInteger, nullable=False),
    Column("paid", BigInteger, nullable=False),
    Column("carried_out", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

creator_payout_posts = Table(
    # A creator's payout statement: which posts earned what, in which month.
    "creator_payout_posts",
    metadata,
    Column("month", Integer, primary_key=True),
    Column("post_id", String(36), primary_key=True),
    Column("creator_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("transfer_id", String(36), nullable=False),
    Index("ix_creator_payout_posts_creator", "creator_id", "month"),
)

# --- verification, tiers, regions and limits (verification.py, limits.py) --------------------

tiers = Table(
    # Data, not code: each tier's send limits (US cents) and whether it may withdraw.
    "tiers",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("daily_send", BigInteger, nullable=False),
    Column("monthly_send", BigInteger, nullable=False),
    Column("withdrawals", Boolean, nullable=False),
)

regions = Table(
    # Data, not code: what xapp may offer where (the licences it holds).
    "regions",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("name", Text, nullable=False),
    Column("payments", Boolean, nullable=False),
    Column("savings", Boolean, nullable=False),
    Column("withdrawals", Boolean, nullable=False),
    Column("fx", Boolean, nullable=False),
)

verifications = Table(
    "verifications",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("status", String(10), nullable=False),  # pending, approved, rejected
    Column("tier", String(20), nullable=False),  # what approval gives
    Column("legal_name", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("country", String(2), nullable=False),
    Column("reason", Text),
    Column("submitted_at", BigInteger, nullable=False),
    Column("decide_at", BigInteger, nullable=False),
    Column("decided_at", BigInteger),
    Index("ix_verifications_pending", "status", "decide_at"),
)

send_totals = Table(
    # Money out per account and period ("d2026-11-29", "m2026-11"), in US cents: the limits'
    # counters, raised by a guarded upsert inside the payment's own transaction.
    "send_totals",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("period", String(12), primary_key=True),
    Column("sent", BigInteger, nullable=False),
)

# --- merchant invoices (invoices.py) ----------------------------------------------------------

invoices = Table(
    "invoices",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("merchant_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("payer_id", String(36), ForeignKey("accounts.id")),  # none: a link anyone pays
    Column("items", Text, nullable=False),  # JSON: [{"description", "quantity", "unit"}]
    Column("total", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False),
    Column("due", Date, nullable=False),
    Column("status", String(10), nullable=False),  # open, paid, cancelled
    Column("paid_by", String(36), ForeignKey("accounts.id")),
    Column("transfer_id", String(36)),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_invoices_merchant_pk", "merchant_id", "pk"),
    Index("ix_invoices_payer_pk", "payer_id", "pk"),
)

# --- compliance review (compliance.py, operators.py) -----------------------------------------

monitoring_rules = Table(
    # Data, not code: what the money path looks for, and its numbers (JSON).
    "monitoring_rules",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("description", Text, nullable=False),
    Column("params", Text, nullable=False),
    Column("enabled", Boolean, nullable=False),
)

reviews = Table(
    # A transfer held for review, the rule that held it (never shown to the payer), and
    # what an operator decided.
    "reviews",
    metadata,
    Column("transfer_id", String(36), ForeignKey("transfers.id"), primary_key=True),
    Column("rule", String(20), nullable=False),
    Column("status", String(10), nullable=False),  # open, approved, rejected
    Column("reason", Text),
    Column("operator", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("decided_at", BigInteger),
    Index("ix_reviews_status", "status"),
)

operator_log = Table(
    # Append-only: each entry's hash covers the one before, so `xapp audit` finds any
    # entry changed, removed or reordered.
    "operator_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", BigInteger, nullable=False),
    Column("operator", Text, nullable=False),
    Column("action", String(20), nullable=False),
    Column("target", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("hash", String(64), nullable=False),
)

frozen_accounts = Table(
    "frozen_accounts",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("at", BigInteger, nullable=False),
)

# --- money rules (money_rules.py) -------------------------------------------------------------

money_rules = Table(
    # A person's own automations: a sweep from savings, a monthly payment (run by the
    # schedule it makes), a tip on every post liked from someone.
    "money_rules",
    metadata,
    pk_column(),
    Column("id", String(36), nullable=False, unique=True),
    Column("owner_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(12), nullable=False),  # sweep, monthly_pay, tip_on_like
    Column("status", String(8), nullable=False),  # off, on, deleted
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("threshold", BigInteger),  # sweep: cash below this
    Column("counterparty_id", String(36), ForeignKey("accounts.id")),  # payee or author
    Column("day_of_month", Integer),  # monthly_pay
    Column("note", Text, nullable=False),
    Column("armed", Boolean, nullable=False),  # sweep: fires on the next fall below
    Column("schedule_id", String(36), ForeignKey("schedules.id")),  # monthly_pay, once on
    Column("acted", Integer, nullable=False),  # sweeps and tips that moved money
    Column("last_error", Text),  # why the last action failed; cleared by one that worked
    Column("created_at", BigInteger, nullable=False),
    Index("ix_money_rules_owner_pk", "owner_id", "pk"),
    Index("ix_money_rules_kind_status", "kind", "status"),
)

money_rule_runs = Table(
    # What a rule did (or was asked to do): its primary key is the claim that makes it
    # once (a tip's key is the post, so a like undone and redone tips once).
    "money_rule_runs",
    metadata,
    Column("rule_id", String(36), ForeignKey("money_rules.id"), primary_key=True),
    Column("key", String(80), primary_key=True),
    Column("status", String(8), nullable=False),  # pending, done, failed, skipped
    Column("transfer_id", String(36)),
    Column("error", Text),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_money_rule_runs_status", "status"),
)
