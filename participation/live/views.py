"""The live routes: a Server-Sent Events stream and its polling fallback (contract: README).

Both check the topics first (topics.py) and answer errors before anything is streamed. The
stream then gives the database connection back: a stream lasts minutes or hours, and holding
a pooled connection (or the session) that long would exhaust the pool with a few hundred
readers. Nothing in the streaming part touches the database, the session or the cookie:
headers, and with them any cookie, are sent once, before the first event.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from flask import Response, abort, current_app, jsonify, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from participation.extensions import db, limiter
from participation.live.blueprint import bp
from participation.live.broker import Broker, BrokerUnavailable, Subscription, parse_id
from participation.live.topics import requested_topics

# Limits connects and polls, never what flows in an open stream. Generous, because one
# address can be a whole office or a public meeting on one wifi; it stops a client that
# reconnects in a loop.
LIVE_LIMIT = "300 per minute"
RETRY_MS = 3000  # plus up to 2 s at random, so a restart does not bring everyone back at once


def current_broker() -> Broker:
    return current_app.extensions["live_broker"]


def _person_or_address() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _events(subscription: Subscription, topics: list[str], heartbeat: float):
    try:
        greeting = "ready" if subscription.resumed else "reset"
        hello = json.dumps({"last_id": str(subscription.cursor), "topics": topics}, separators=(",", ":"))
        retry = RETRY_MS + secrets.randbelow(2000)
        yield f"retry: {retry}\nid: {subscription.cursor}\nevent: {greeting}\ndata: {hello}\n\n"
        while not subscription.ended:
            position = subscription.position  # before get(): see Subscription.position
            batch = subscription.get(timeout=heartbeat)
            if batch:
                yield "".join(message.sse for message in batch)
            elif not subscription.ended:
                # The id moves the client's Last-Event-ID on while its topics are quiet, so
                # a reconnect hours later still resumes instead of reloading.
                yield f"id: {position}\n: heartbeat\n\n"
    finally:
        subscription.close()


@bp.get("/stream")
@limiter.limit(LIVE_LIMIT, key_func=_person_or_address)
def stream():
    topics = requested_topics()
    # EventSource sends Last-Event-ID itself when it reconnects; a page's first connect
    # passes its cursor in the query instead (it cannot set headers).
    given = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    after = parse_id(given) if given else None
    if given and after is None:
        after = 0  # a malformed id: resume from nothing, which means a reset
    db.session.remove()  # the stream needs no database: give the connection back now
    response = Response(mimetype="text/event-stream")
    if request.method == "GET":  # HEAD: the same headers, and no subscription
        try:
            subscription = current_broker().subscribe(topics, after=after)
        except BrokerUnavailable:
            current_app.logger.warning("live updates: the broker is unavailable", exc_info=True)
            abort(503)
        heartbeat = current_app.extensions["settings"].live_heartbeat_seconds
        response.response = _events(subscription, topics, heartbeat)
        response.call_on_close(subscription.close)  # also when the body never starts
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _etag(topics: list[str], newest: int) -> str:
    key = f"{'|'.join(sorted(topics))}:{newest}".encode()
    return "live-" + hashlib.sha256(key).hexdigest()[:24]


@bp.get("/poll")
@limiter.limit(LIVE_LIMIT, key_func=_person_or_address)
def poll():
    topics = requested_topics()
    given = request.args.get("after")
    after = parse_id(given)
    broker = current_broker()
    try:
        head, backlog = broker.head_and_backlog(topics, after)
    except BrokerUnavailable:
        current_app.logger.warning("live updates: the broker is unavailable", exc_info=True)
        abort(503)
    etag = _etag(topics, backlog.newest)
    if request.if_none_match.contains_weak(etag):
        unchanged = Response(status=304)
        unchanged.set_etag(etag, weak=True)
        unchanged.headers["Cache-Control"] = "private, no-cache"
        return unchanged
    reset = given is not None and (after is None or not broker.complete_since(after, head, backlog))
    events = [] if reset or after is None else backlog.messages
    last_id = max([head, *(message.id for message in events)])
    interval_ms = current_app.extensions["settings"].live_poll_seconds * 1000
    response = jsonify(events=[message.as_dict() for message in events], last_id=str(last_id), reset=reset,
                       interval_ms=interval_ms)
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
