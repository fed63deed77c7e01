"""`transfer-panel route`: one transfer through the same desk the window uses, its outcome printed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from app.cli import output
from app.cli.common import config_of
from app.core.desk import TransferDesk
from app.core.errors import InputError, PanelError
from app.core.profile import Profile
from app.core.routing.outcome import RouteOutcome
from app.core.routing.request import RouteRequest, flow_input_pair
from app.messages import Front, describe, outcome_text


def run_route(args: argparse.Namespace) -> int:
    try:
        profile, request, outcome = _route(args)
    except PanelError as failure:
        if not args.json:
            raise
        output.json_line({"status": "refused", "error": failure.code.value, "message": describe(failure),
                          "problems": [describe(detail) for detail in failure.details],
                          "exit_code": failure.exit_code})
        return failure.exit_code
    text = outcome_text(outcome, request.target_label, Front.CLI)
    if args.json:
        output.json_line(_json(profile, request, outcome, text.headline, text.hint))
    else:
        stream = sys.stdout if outcome.accepted else sys.stderr
        output.say(f"{text.headline} · {outcome.elapsed_ms:.0f} ms", stream)
        if text.hint:
            output.say(text.hint, stream)
    return outcome.exit_code


def _route(args: argparse.Namespace) -> tuple[Profile, RouteRequest, RouteOutcome]:
    from app import compose

    demo = None
    try:
        if args.demo:
            from app.demo import new_demo_call_id, start_demo

            demo = start_demo()
            profile, call_id = demo.profile, args.call_id or new_demo_call_id()
        else:
            profile, call_id = config_of(args).profile(args.profile), args.call_id or ""
        desk = compose.open_demo_desk(demo) if demo is not None else compose.open_cli_desk(profile)
        try:
            request = _request(desk, call_id, args)
        except InputError:
            asyncio.run(desk.aclose())
            raise
        return profile, request, asyncio.run(_transfer(desk, request, args.again, args.even_if_unavailable))
    finally:
        if demo is not None:
            demo.close()


def _request(desk: TransferDesk, call_id: str, args: argparse.Namespace) -> RouteRequest:
    """The request, or every problem with it at once (exit 2)."""
    checked = desk.check(call_id, args.target, target_label=args.label, fallback_queue=args.fallback_queue,
                                 flow_inputs=[flow_input_pair(pair) for pair in args.flow_input])
    if checked.request is None:
        first, *others = checked.problems.values()
        raise InputError(first.code, details=tuple(others), **first.params)
    return checked.request


async def _transfer(desk: TransferDesk, request: RouteRequest, again: bool, even_if_unavailable: bool
                    ) -> RouteOutcome:
    try:
        return await desk.transfer(request, again=again, even_if_unavailable=even_if_unavailable)
    finally:
        await desk.aclose()


def _json(profile: Profile, request: RouteRequest, outcome: RouteOutcome, headline: str, hint: str) -> dict[str, Any]:
    return {"status": outcome.status.value, "cause": outcome.cause.value if outcome.cause else None,
            "message": headline, "hint": hint, "http_status": outcome.http_status,
            "server_message": outcome.server_message, "elapsed_ms": round(outcome.elapsed_ms, 1),
            "attempts": outcome.attempts, "retry_after_s": outcome.retry_after_s, "jti": outcome.jti,
            "profile": profile.name, "call_id": request.call_id, "target": request.target.value,
            "exit_code": outcome.exit_code}
