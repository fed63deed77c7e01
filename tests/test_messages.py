"""Every code the core can raise has words (`app.messages`), for the command line and the window."""

from app.core.errors import Problem
from app.messages import TEMPLATES, WINDOW_TEMPLATES, Front, describe_code


def test_every_problem_has_a_template():
    assert [problem for problem in Problem if problem not in TEMPLATES] == []


def test_every_template_makes_words_from_any_parameters():
    """A template names parameters an error may lack (a row from another version): they show as "?"."""
    for problem in Problem:
        for front in Front:
            assert describe_code(problem, {}, front).strip(), (problem, front)
    assert set(WINDOW_TEMPLATES) <= set(TEMPLATES)
