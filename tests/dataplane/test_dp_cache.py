import pytest

from dataplane.cache import Cache, cache_key


def counting_loader(value):
    calls = []

    def loader(*args):
        calls.append(args)
        return value

    return loader, calls


def test_a_miss_calls_the_loader_and_a_hit_does_not():
    cache = Cache()
    loader, calls = counting_loader({"id": "1"})

    first = cache.get("k", loader, "arg")
    second = cache.get("k", loader, "arg")

    assert first == second == {"id": "1"}
    assert calls == [("arg",)]
    assert (cache.hits, cache.misses) == (1, 1)


def test_none_is_cached_as_a_negative_entry():
    cache = Cache()
    loader, calls = counting_loader(None)

    assert cache.get("missing", loader) is None
    assert cache.get("missing", loader) is None
    assert len(calls) == 1
    assert cache.peek("missing") == (True, None)


def test_invalidate_drops_one_key():
    cache = Cache()
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)

    cache.invalidate("a")

    assert cache.peek("a") == (False, None)
    assert cache.peek("b") == (True, 2)
    assert cache.get("a", lambda: 10) == 10


def test_purge_drops_every_key():
    cache = Cache()
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)

    cache.purge()

    assert len(cache) == 0


def test_a_loader_that_raises_caches_nothing():
    cache = Cache()

    def broken():
        raise LookupError("store unavailable")

    with pytest.raises(LookupError):
        cache.get("k", broken)
    assert cache.peek("k") == (False, None)


def test_a_value_loaded_across_an_invalidation_is_returned_but_not_cached():
    cache = Cache()

    def racing_loader():
        cache.invalidate("k")  # a crud event arrives while the loader reads old data
        return "stale"

    assert cache.get("k", racing_loader) == "stale"
    assert cache.peek("k") == (False, None)


def test_cache_keys_follow_kongs_entity_prefix():
    assert cache_key("consumers", "8f1c") == "consumers:8f1c"
    assert cache_key("consumers", "username", "alice") == "consumers:username:alice"
    assert cache_key("plugins", "rate-limiting", None, 3) == "plugins:rate-limiting::3"
