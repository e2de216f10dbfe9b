import asyncio

from storywatch.flows.robots import RobotsRules, RobotsVerdict, origin_of, rules_from

ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: Storywatch\nDisallow: /no-bots/\n"


def test_missing_robots_allows_and_unreachable_disallows_for_now() -> None:
    assert rules_from(404, b"") == RobotsVerdict(True)
    assert rules_from(503, b"") == RobotsVerdict(
        False, "robots.txt unreachable; retrying later", transient=True
    )
    unreachable = rules_from(None, b"")
    assert isinstance(unreachable, RobotsVerdict) and not unreachable.allowed


def test_origin_is_scheme_and_host_with_port() -> None:
    assert origin_of("https://News.example:8443/a/b?c=d") == "https://news.example:8443"


def test_rules_are_loaded_once_per_origin_and_applied() -> None:
    loads: list[str] = []

    async def load(url: str) -> tuple[int | None, bytes]:
        loads.append(url)
        await asyncio.sleep(0)
        return 200, ROBOTS

    async def go() -> list[RobotsVerdict]:
        rules = RobotsRules(load)
        urls = [
            "https://a.example/news/1",
            "https://a.example/no-bots/2",
            "https://a.example/private/3",
            "https://b.example/news/4",
        ]
        return list(await asyncio.gather(*(rules.verdict(u) for u in urls)))

    verdicts = asyncio.run(go())
    assert [v.allowed for v in verdicts] == [True, False, True, True]
    assert verdicts[1].reason == "disallowed by robots.txt" and not verdicts[1].transient
    assert sorted(loads) == ["https://a.example/robots.txt", "https://b.example/robots.txt"]
