"""Search: people by handle or name; posts by words and #hashtags through the store's
full-text index, newest first, never deleted or blocked content; a hashtag's view."""

from __future__ import annotations

from tests.conftest import People, query


async def test_posts_by_words_and_hashtags(people: People, db_path, backend: str) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    first = await ada.posts.create("Ledgers in Rust are a joy #rust #money")
    await bob.posts.create("I rusted my bike chain")
    second = await bob.posts.create("Rust ledgers, again. #Rust")
    gone = await ada.posts.create("Rust ledger draft, to delete")
    await ada.posts.delete(gone.id)
    await bob.posts.repost(first.id)  # a repost is not a second hit

    assert [p.id for p in (await ada.search.posts("rust ledgers")).items] == [
        second.id,
        first.id,
    ]
    assert [p.id for p in (await ada.search.posts("#rust")).items] == [second.id, first.id]
    assert [p.id for p in (await ada.search.posts("#money rust")).items] == [first.id]
    assert [p.id for p in (await ada.search.tag("RUST")).items] == [second.id, first.id]
    assert (await ada.search.posts("chain")).items[0].author.handle == "bob"
    assert [p.id for p in (await ada.search.posts("ledger jo")).items] == [first.id]  # prefixes
    assert (await ada.search.posts("draft")).items == []  # deleted: not found
    # Found through the index, not a scan: the index holds every live post's words.
    if backend == "sqlite":
        found = "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'bike'"
    else:
        found = (
            "SELECT count(*) FROM posts "
            "WHERE to_tsvector('simple', text) @@ to_tsquery('simple', 'bike')"
        )
        [(definition,)] = query(
            db_path, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_posts_words'"
        )
        assert "gin (to_tsvector('simple'::regconfig, text))" in definition
    assert query(db_path, found) == [(1,)]


async def test_search_text_is_words_never_syntax(people: People) -> None:
    ada = await people.signed_in("ada")
    post = await ada.posts.create('say "hello" OR NOT * (world) -x')
    for text in ['"hello', "OR NOT", "*", "(world)", "-x", "hello AND", "NEAR(a b)"]:
        page = await ada.search.posts(text)  # no 500s: every word is quoted
        assert all(p.id == post.id for p in page.items)
    assert [p.id for p in (await ada.search.posts('"hello" world')).items] == [post.id]


async def test_blocked_people_and_their_posts_are_never_found(people: People) -> None:
    ada = await people.signed_in("ada")
    troll = await people.signed_in("troll", "Terrible Troll")
    bait = await troll.posts.create("bait about ledgers")
    await ada.posts.create("my ledgers")
    await ada.accounts.block("troll")
    assert [p.author.handle for p in (await ada.search.posts("ledgers")).items] == ["ada"]
    assert [p.id for p in (await troll.search.posts("ledgers")).items] == [bait.id]
    assert await ada.search.people("troll") == []
    assert await troll.search.people("ada") == []


async def test_people_by_handle_start_or_name(people: People) -> None:
    me = await people.signed_in("viewer")
    await people.signed_in("grace", "Grace Hopper")
    await people.signed_in("graceful", "Ada Full")
    await people.signed_in("admiral", "Rear Admiral Grace")
    found = await me.search.people("grace")
    assert [a.handle for a in found] == ["grace", "graceful", "admiral"]  # handles first
    assert [a.handle for a in await me.search.people("@GRACE")] == [a.handle for a in found]
    assert [a.handle for a in await me.search.people("hopper")] == ["grace"]
    assert await me.search.people("%") == []  # wildcards are letters here
    assert await me.search.people("viewer") == []  # not myself
