"""One module per feature with figures to keep; each defines `run(base_url) -> Scenario`.

bench.run finds every module here on its own, so a new scenario needs no registration.
"""
