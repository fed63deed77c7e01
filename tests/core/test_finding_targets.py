"""Finding the right target (issue 13, items 9 and 10; issue 14, item 15): who can take the call
comes first, words that name a kind filter by it, and names are found however they are typed."""

import pytest

from app.core.directory import Presence, PresenceState, SearchIndex, Target, load_demo_directory
from app.core.ids import IdKind, checksum_suffix


def sf_id(prefix: str, n: int) -> str:
    id15 = f"{prefix}{n:0{15 - len(prefix)}d}"
    return id15 + checksum_suffix(id15)


def agent(n: int, name: str, status: str | None) -> Target:
    states = {"Available": PresenceState.AVAILABLE, "On a call": PresenceState.BUSY, "Away": PresenceState.AWAY,
              "Offline": PresenceState.OFFLINE}
    return Target.agent(sf_id("005", n), name, Presence(status, states[status]) if status else None)


def labels(result) -> list[str]:
    return [target.label for target in result]


@pytest.fixture(scope="module")
def demo() -> SearchIndex:
    return SearchIndex(load_demo_directory())


def test_zoe_then_enter_picks_an_available_agent_not_the_one_on_a_call(demo):
    found = demo.search("zoe")
    assert [(t.label, t.presence.status) for t in found] == [
        ("Zoë Müller", "Available"), ("Zoë Weiß", "Available"), ("Zoë Fischer", "On a call")]


def test_within_each_match_tier_available_then_busy_or_away_then_offline():
    index = SearchIndex([
        agent(1, "Anna Offline", "Offline"), agent(2, "Anna Busy", "On a call"), agent(3, "Anna Away", "Away"),
        agent(4, "Anna Free", "Available"), agent(5, "Anna Unknown", None),
        agent(6, "Joanna Free", "Available"), agent(7, "Joanna Off", "Offline"),
        Target.queue(sf_id("00G", 1), "Anna's Queue"),
    ])
    # Label starts first (the queue and the agent of unknown presence can take a call as much as anyone),
    # then the busy and the away one by label, offline last; only then the infix matches, in the same order.
    assert labels(index.search("anna")) == ["Anna Free", "Anna's Queue", "Anna Unknown", "Anna Away",
                                            "Anna Busy", "Anna Offline", "Joanna Free", "Joanna Off"]
    assert labels(index.search("a"))[:6] == labels(index.search("anna"))[:6]  # the first letter, from posting lists
    # The listing: queues first, then agents by standing, each by label.
    assert labels(index.search("")) == ["Anna's Queue", "Anna Free", "Anna Unknown", "Joanna Free", "Anna Away",
                                        "Anna Busy", "Anna Offline", "Joanna Off"]


def test_favorites_and_recents_stay_first_but_an_available_one_before_a_busy_one():
    index = SearchIndex([agent(1, "Anna Busy", "On a call"), agent(2, "Anna Free", "Available"),
                         agent(3, "Anna Other", "Available")])
    index.set_preferred([sf_id("005", 1), sf_id("005", 2)])
    assert labels(index.search("anna")) == ["Anna Free", "Anna Busy", "Anna Other"]


@pytest.mark.parametrize("query", ["flow", "flows", "FLOWS", "  flow  "])
def test_flow_lists_every_flow(demo, query):
    every_flow = {t.id for t in demo.search("", kind=IdKind.FLOW)}
    found = demo.search(query)
    assert {t.id for t in found} == every_flow and len(found) == len(every_flow) == 10


@pytest.mark.parametrize("query", ["queue bill", "bill queue", "queues bill", "Queues BILL"])
def test_queue_bill_lists_the_billing_queues(demo, query):
    assert labels(demo.search(query)) == ["Billing (Americas)", "Billing (APAC)", "Billing (EMEA)"]


def test_agent_words_keep_agents_and_targets_of_other_kinds_holding_the_word_follow():
    index = SearchIndex([agent(1, "Bill Evans", "Available"), Target.queue(sf_id("00G", 1), "Billing"),
                         Target.queue(sf_id("00G", 2), "Agent Billing Desk"),
                         Target.flow(sf_id("300", 1), "Queue Overflow"), Target.queue(sf_id("00G", 3), "Sales")])
    assert labels(index.search("agents bill")) == ["Bill Evans", "Agent Billing Desk"]
    assert labels(index.search("queue over")) == ["Queue Overflow"]  # a flow named with the word
    assert labels(index.search("queue")) == ["Agent Billing Desk", "Billing", "Sales", "Queue Overflow"]
    # With a kind filter on, a kind word of another kind is a plain word.
    assert labels(index.search("queue", kind=IdKind.FLOW)) == ["Queue Overflow"]
    assert labels(index.search("agent", kind=IdKind.QUEUE)) == ["Agent Billing Desk"]
    assert labels(index.search("queue", kind=IdKind.QUEUE)) == ["Agent Billing Desk", "Billing", "Sales"]
    # Typing on to a longer word is a plain word again.
    assert labels(index.search("queues2")) == []


@pytest.mark.parametrize(("typed", "name"), [
    ("Mueller", "Zoë Müller"), ("muller", "Zoë Müller"), ("Weiss", "Jürgen Weiß"), ("weiß", "Jürgen Weiß"),
    ("juergen weiss", "Jürgen Weiß"), ("soeren", "Søren Kjærgaard"), ("kjaergaard", "Søren Kjærgaard"),
    ("aasa", "Åsa Lindqvist"), ("olga", "Ольга Смирнова"), ("olga smirnova", "Ольга Смирнова"),
    ("ольга", "Ольга Смирнова"), ("dmitry", "Дмитрий Иванов"), ("dmitriy", "Дмитрий Иванов"),
    ("dmitrii ivanov", "Дмитрий Иванов"), ("giorgos", "Γιώργος Παπαδόπουλος"),
    ("papadopoulos", "Γιώργος Παπαδόπουλος"), ("γιωργος", "Γιώργος Παπαδόπουλος"),
])
def test_names_are_found_however_they_are_typed(demo, typed, name):
    assert name in labels(demo.search(typed)), typed


@pytest.mark.parametrize(("name", "typed"), [
    ("Юлия Петрова", ["yulia", "yuliya", "iuliia"]), ("Мария", ["maria", "mariya"]), ("Фёдор", ["fyodor", "fedor"]),
    ("Наталья", ["natalya", "natalia"]), ("Микола Шевченко", ["mykola", "shevchenko"]),
    ("Сергій", ["serhii"]), ("Євген", ["yevhen"]), ("Χρήστος", ["christos", "hristos"]),
    ("Ευάγγελος", ["evangelos"]), ("Ђорђе Петровић", ["djordje petrovic"]),
])
def test_cyrillic_and_greek_names_answer_to_their_usual_latin_spellings(name, typed):
    index = SearchIndex([agent(1, name, "Available"), agent(2, "Someone Else", "Available")])
    for query in typed:
        assert labels(index.search(query)) == [name], query


def test_a_latin_spelling_ranks_below_the_names_written_that_way():
    index = SearchIndex([agent(1, "Zoë Müller", "Available"), agent(2, "Hans Mueller", "Available")])
    assert labels(index.search("mueller")) == ["Hans Mueller", "Zoë Müller"]
    assert labels(index.search("muller")) == ["Zoë Müller"]
