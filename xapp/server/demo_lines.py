"""What the demo world's people say: each in their own voice, with enough lines that an
hour of the demo does not repeat itself, and chat topics whose follow-ups fit.

Only words live here; `demo.py` decides who says what and when.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One thing a person brings up in a chat with the demo account: how they open it,
    the nudge they may add if nobody answers, and what they say once the demo account
    has answered (whatever it said, so it must fit any answer)."""

    opener: str
    nudge: str
    answer: str


@dataclass(frozen=True)
class Voice:
    handle: str
    name: str
    posts: tuple[str, ...]
    topics: tuple[Topic, ...]


VOICES: tuple[Voice, ...] = (
    Voice(
        "ada",
        "Ada Lovelace",
        posts=(
            "The engine might compose elaborate pieces of music. Tested it on a TUI today.",
            "Poetical science: half of debugging is imagining what the machine believes.",
            "Wrote the loop out by hand first. Still the best way to find the off-by-one.",
            "Reading old notes of mine. Past me had opinions about punched cards.",
            "A diagram of the data flow saved me an afternoon. Draw before you type.",
            "Tea, a quiet morning and a proof that finally closes. Good day.",
            "The machine does only what we order it to do. Which is exactly the problem.",
            "Sketched a new notation for the ledger. Babbage says it is 'ambitious'.",
            "Paid the bakery from my terminal. The future is keyboard shaped.",
        ),
        topics=(
            Topic(
                "hey! did you see the new timeline?",
                "it pages both ways now, try scrolling way back",
                "ha, fair. I keep finding new corners of it",
            ),
            Topic(
                "I'm writing notes on the engine again, want to read a draft?",
                "fair warning: the footnotes are longer than the text",
                "thank you! I'll send it over tonight",
            ),
            Topic(
                "the concert on Saturday, are you coming? 🎻",
                "I have a spare ticket if you want it",
                "lovely, see you there",
            ),
            Topic(
                "do you know a good tea shop near the station?",
                "somewhere quiet enough to think",
                "noted, I'll try it this week ☕",
            ),
            Topic(
                "is there a word for a bug that only appears on Tuesdays?",
                "asking for an engine that shall remain nameless",
                "I'll call it a weekday fault and move on",
            ),
        ),
    ),
    Voice(
        "grace",
        "Grace Hopper",
        posts=(
            "It's easier to ask forgiveness than it is to get permission.",
            "Handed out nanoseconds again today: 30 cm of wire each. Still a hit.",
            "Found a bug. An actual one, in relay 70. Taped it in the log book.",
            "The most dangerous phrase in the language: 'we've always done it this way'.",
            "A ship in port is safe, but that is not what ships are built for. Ship it.",
            "Compilers are just patience, written down once so nobody needs it again.",
            "Reviewed a patch with no tests. Sent it back with a nanosecond taped to it.",
            "Reminder: money is integers. Never floats. Never.",
            "Leadership is a two-way street. So is a good API.",
        ),
        topics=(
            Topic(
                "ha, that post was great",
                "the one about the log book, I mean",
                "glad someone else appreciates a good bug story",
            ),
            Topic(
                "can you review my patch when you get a minute?",
                "it's small, promise. Mostly deleting code",
                "thanks! I'll ping you when it's ready",
            ),
            Topic(
                "the coffee beans came in, want some? ☕",
                "dark roast, strong enough to debug by",
                "great, I'll bring a bag on Monday",
            ),
            Topic(
                "giving a talk on Friday, want to come?",
                "there will be nanoseconds for everyone",
                "wonderful, I'll save you a seat",
            ),
            Topic(
                "how long is a nanosecond where you are?",
                "mine is still 30 cm, checked this morning",
                "good, the universe is consistent today",
            ),
        ),
    ),
    Voice(
        "alan",
        "Alan Turing",
        posts=(
            "We can only see a short distance ahead, but we can see plenty there that needs "
            "to be done.",
            "Ran to the next town and back before breakfast. Thinking is easier after.",
            "Is it still a chat app if a machine answers for me? Asking for a friend.",
            "Chess with a program written on paper: slow, but it never gets bored.",
            "A problem that can't be decided is not a bug report. Closing as won't fix.",
            "Bicycle chain slips every 17th turn. Counting turns now, fixing it later.",
            "Hot take: every list that can grow should render lines, not widgets.",
            "Morphogenesis notes: spots and stripes from two chemicals and a bit of patience.",
        ),
        topics=(
            Topic(
                "are we still on for the hackathon?",
                "I'll bring the whiteboard markers",
                "excellent, see you there",
            ),
            Topic(
                "going for a run at six, join me?",
                "only ten miles, an easy one",
                "fine, next time then 🏃",
            ),
            Topic(
                "I have a puzzle for you: can a program tell whether another one stops?",
                "spoiler: the answer is a very polite no",
                "ha! I'll send you the proof, it's shorter than you think",
            ),
            Topic(
                "dinner club on Thursday again?",
                "I'll cook if someone else does the dishes",
                "good, I'll tell the others",
            ),
            Topic(
                "what's your favourite number and why is it 1729?",
                "it's the smallest sum of two cubes in two ways, Hardy was unimpressed",
                "ha, I knew you'd have an opinion",
            ),
        ),
    ),
    Voice(
        "margaret",
        "Margaret Hamilton",
        posts=(
            "Software engineering: the discipline of writing code that works when nobody is "
            "watching.",
            "Priority displays saved a landing once. Plan for the alarms you hope never ring.",
            "Tested the error paths today. Found three. The happy path was fine, as always.",
            "There was no choice but to be pioneers. Also, no choice but to write it down.",
            "Printed the listing of a new module. It's taller than my daughter now.",
            "If the user can do it, the user will do it. Design for the wrong button.",
            "Shipping is a feature.",
            "Code review tip: read the diff backwards. Errors hide in the cleanup.",
        ),
        topics=(
            Topic(
                "just landed, talk soon",
                "long flight, but the software held up",
                "great to hear from you, call tomorrow?",
            ),
            Topic(
                "could you test my new module? try to break it",
                "really, try the weird inputs",
                "thanks, every break you find is one the users won't",
            ),
            Topic(
                "lunch tomorrow?",
                "the usual place, around noon?",
                "ok! let me know what works for you",
            ),
            Topic(
                "what's the worst error message you've ever seen?",
                "mine just said 'error', in capitals",
                "that's going in my collection",
            ),
            Topic(
                "my daughter wants to learn to code, any tips?",
                "she already breaks everything I write, which is a start",
                "thank you, I'll pass it on",
            ),
        ),
    ),
    Voice(
        "dennis",
        "Dennis Ritchie",
        posts=(
            "UNIX is simple. It just takes a genius to understand its simplicity.",
            "Deleted 200 lines today. Best commit of the week.",
            "Who else is still using tmux in 2026? Everyone? Good.",
            "A pipe, a filter, another pipe. Still the best way to think about data.",
            "C is quirky, flawed, and an enormous success. So is my coffee machine.",
            "Coffee, then code review, then more coffee.",
            "man pages are documentation you can grep. Underrated.",
            "Just split a bill with a three-line command. This is the way.",
        ),
        topics=(
            Topic(
                "saw your post. nice",
                "short, like a good man page",
                "👍",
            ),
            Topic(
                "any idea why my build takes 4 minutes now?",
                "nothing changed, allegedly",
                "ok, will look at the makefile",
            ),
            Topic(
                "pizza tonight? 🍕",
                "I'll order, pay me back whenever",
                "done",
            ),
            Topic(
                "vi or emacs? asking for a flame war",
                "ed is also an acceptable answer",
                "noted. no further questions",
            ),
            Topic(
                "reading an old paper of mine, it's shorter than I remembered",
                "turns out cutting words is the real work",
                "fair. off to delete more",
            ),
        ),
    ),
    Voice(
        "radia",
        "Radia Perlman",
        posts=(
            "A network should route around damage. So should a chat app.",
            "I think that I shall never see a graph more lovely than a tree.",
            "Spanning tree says hello. It has been saying it every two seconds since 1985.",
            "Reading about double-entry bookkeeping. Luca Pacioli was a genius.",
            "Protocols are people problems wearing packet headers.",
            "The best design is the one nobody has to configure.",
            "My kid asked what I do. I said I stop the internet from going in circles.",
            "Wrote a poem about a protocol again. It scans better than the RFC.",
        ),
        topics=(
            Topic(
                "thanks for yesterday 🙏",
                "really, it helped a lot",
                "you're kind. next one's on me",
            ),
            Topic(
                "our wifi keeps dropping, any idea?",
                "it's always the printer somehow",
                "thanks, I'll try that and report back",
            ),
            Topic(
                "want to hear my new poem? it's about routers",
                "it rhymes 'packet' with 'jacket'",
                "ha, I'll read it at dinner club",
            ),
            Topic(
                "do you want the book I mentioned? I'm done with it",
                "it's the one about trees, the data kind and the other kind",
                "great, I'll leave it at yours",
            ),
            Topic(
                "what do you think about mesh networks at home?",
                "half my friends swear by them, the other half by cables",
                "thanks, that helps me decide",
            ),
        ),
    ),
)

WELCOME_REPLIES = (
    "Welcome aboard @you!",
    "Hello @you, good to see you here.",
    "Welcome! Press n and tell us something, @you.",
    "Hi @you 👋",
    "Great to have you, @you.",
    "Welcome @you! The timeline is friendlier than it looks.",
)
"""Answers to the demo account's first post (its hello)."""

POST_REPLIES = (
    "Agreed.",
    "Ha! Same here.",
    "Tell me more, @you.",
    "This is the way.",
    "Good point, @you.",
    "Bookmarked.",
    "Not sure I agree, but I like it.",
    "Well said.",
)
"""Answers to anything else the demo account posts: short, so they fit any post."""

GROUP_LINES = (
    "who's bringing dessert next time?",
    "I still think about that pasta",
    "same place next month?",
    "I paid my share, thanks for organising",
    "found a photo from dinner, will send it",
    "next time we try the Thai place",
)
"""What the dinner club says among itself."""

ANSWERS = (
    "ha, agreed",
    "👍",
    "works for me",
    "sounds good",
)
"""What someone says after the demo account writes, when no topic of theirs fits."""

NOTES = (
    "coffee ☕",
    "pizza 🍕",
    "tickets",
    "lunch",
    "thanks!",
    "books",
    "taxi",
    "rent share",
    "groceries",
    "concert 🎶",
)
"""Notes on the scripted people's payments and requests."""
