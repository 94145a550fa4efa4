#!/usr/bin/env python3
"""Writes adaptive_rate.json: reference vectors for the adaptive retry mode's client-side rate
limiter (CUBIC rate, measured send rate, token bucket), computed by an independent model of the
algorithm the AWS SDKs publish, and cross-checked against the values in the SDKs' own tests.

The algorithm, as published (botocore: botocore/retries/throttling.py, adaptive.py, bucket.py;
the AWS SDK for Ruby and the Rust smithy runtime carry the same specification and its test
table):
  - CUBIC with beta = 0.7 and scale C = 0.4. On a throttling response at time t with send rate
    r: W_max = r, K = cbrt(W_max * (1 - beta) / C), last throttle = t, new rate = beta * r.
    After a success at time t: rate = C * (t - last throttle - K)^3 + W_max.
    r is the measured send rate the first time, then min(measured rate, current fill rate).
  - The measured send rate: responses are counted in half-second buckets; when a response falls
    in a later bucket than the last one, rate = count / (bucket - last bucket) and
    measured = 0.8 * rate + 0.2 * measured.
  - Every response sets the token bucket's rate to min(new rate, 2 * measured rate): the bucket
    refills at the old rate up to now, then fill rate = max(rate, 0.5), capacity limit =
    max(rate, 1), capacity = min(capacity, limit). Off until the first throttling response.
    Acquiring a token when capacity < 1 waits (1 - capacity) / fill rate; the capacity is
    decremented either way (it may go negative: a reservation that later refills pay back).
  - Everything starts at the limiter's first use (`start`): last throttle = start, last bucket =
    floor(start), no fill rate and no refill before the first response.

This is this project's own model, written from the description above; run it to regenerate the
JSON (python3 make_adaptive_vectors.py > adaptive_rate.json). It stops if a value disagrees with
the values published in the SDKs' tests (checked below).
"""
import json
import math
import sys

BETA = 0.7
SCALE = 0.4
SMOOTH = 0.8
MIN_FILL_RATE = 0.5
MIN_CAPACITY = 1.0


def time_window(w_max):
    return (w_max * (1 - BETA) / SCALE) ** (1.0 / 3.0)


def cubic_rate(w_max, since_throttle):
    return SCALE * (since_throttle - time_window(w_max)) ** 3 + w_max


class Limiter:
    def __init__(self, start):
        self.enabled = False
        self.fill_rate = None
        self.limit = None
        self.capacity = 0.0
        self.refilled_at = None
        self.measured = 0.0
        self.bucket = math.floor(start)
        self.count = 0
        self.w_max = 0.0
        self.throttled_at = start

    def _refill(self, t):
        if self.refilled_at is None:
            self.refilled_at = t
            return
        self.capacity = min(self.limit, self.capacity + (t - self.refilled_at) * self.fill_rate)
        self.refilled_at = t

    def _set_rate(self, rate, t):
        self._refill(t)
        self.fill_rate = max(rate, MIN_FILL_RATE)
        self.limit = max(rate, MIN_CAPACITY)
        self.capacity = min(self.capacity, self.limit)

    def _measure(self, t):
        bucket = math.floor(t * 2) / 2
        self.count += 1
        if bucket > self.bucket:
            self.measured = SMOOTH * (self.count / (bucket - self.bucket)) + (1 - SMOOTH) * self.measured
            self.count = 0
            self.bucket = bucket

    def response(self, throttled, t):
        self._measure(t)
        if throttled:
            self.w_max = min(self.measured, self.fill_rate) if self.enabled else self.measured
            self.throttled_at = t
            rate = BETA * self.w_max
            self.enabled = True
        else:
            rate = cubic_rate(self.w_max, t - self.throttled_at)
        self._set_rate(min(rate, 2 * self.measured), t)

    def acquire(self, t):
        if not self.enabled:
            return 0.0
        self._refill(t)
        missing = 1 - self.capacity
        self.capacity -= 1
        return missing / self.fill_rate if missing > 0 else 0.0


def run(name, start, script, published=None, tolerance=0.0):
    """script: (time, 'success' | 'throttle' | 'acquire'). published: expected values from an
    SDK's test, as (measured, fill) per response, compared with `tolerance`."""
    lim = Limiter(start)
    events = []
    responses = 0
    for t, what in script:
        if what == 'acquire':
            events.append({'at': t, 'event': 'acquire', 'wait': lim.acquire(t)})
            continue
        lim.response(what == 'throttle', t)
        events.append({'at': t, 'event': what, 'measured_rate': lim.measured,
                       'fill_rate': lim.fill_rate, 'enabled': lim.enabled})
        if published is not None:
            want_measured, want_fill = published[responses]
            if abs(lim.measured - want_measured) > tolerance or abs(lim.fill_rate - want_fill) > tolerance:
                sys.exit(f'{name} at {t}: {lim.measured} {lim.fill_rate} != published '
                         f'{want_measured} {want_fill}')
        responses += 1
    return {'name': name, 'start': start, 'events': events}


def close(a, b, tol):
    if abs(a - b) > tol:
        sys.exit(f'{a} != published {b}')


# --- cross-checks against the values published in the SDKs' tests ---
# botocore tests/unit/retries/test_throttling.py: K for W_max 10 and 8; beta * rate on error.
close(time_window(10), 1.9574338205844317, 1e-15)
close(time_window(8), 1.8171205928321397, 1e-15)
close(cubic_rate(10, time_window(10)), 10.0, 1e-12)
# AWS SDK for Ruby (aws-sdk-core spec, retry_errors_spec, "verifies cubic calculations for
# successes"): W_max 10, last throttle at 5, successes at 5..11, published to one or two
# decimals (truncated).
for t, want in [(5, 7.0), (6, 9.6), (7, 10.0), (8, 10.45), (9, 13.4), (10, 21.2), (11, 36.4)]:
    close(cubic_rate(10, t - 5), want, 0.1)

time_windows = [{'last_max_rate': w, 'seconds': time_window(w)}
                for w in [0.0, 0.5, 1.0, 4.3264, 8.0, 10.0, 50.0, 1000.0]]
cubic = [{'last_max_rate': w, 'since_throttle': dt, 'rate': cubic_rate(w, dt)}
         for w, dt in [(10.0, 0.0), (10.0, 1.0), (10.0, 2.0), (10.0, 3.0), (10.0, 4.0),
                       (10.0, 5.0), (10.0, 6.0), (8.0, 0.0), (8.0, 0.5), (50.0, 0.25),
                       (50.0, 3.6840314986403864), (50.0, 10.0), (0.0, 1.2)]]

# The SDKs' shared test table, as published at full precision in the Rust smithy runtime
# (smithy-lang/smithy-rs, rust-runtime/aws-smithy-runtime/src/client/retries/
# client_rate_limiter.rs, test_client_sending_rates, ported from aws-sdk-go-v2
# aws/retry/adaptive_ratelimit_test.go; the AWS SDK for Ruby has it to two decimals): start at 0,
# one response every 0.2 s. Compared within 1e-12.
spec_script = ([(0.2, 'success'), (0.4, 'success'), (0.6, 'success'), (0.8, 'success'),
                (1.0, 'success'), (1.2, 'success'), (1.4, 'success'), (1.6, 'success'),
                (1.8, 'success'), (2.0, 'throttle'), (2.2, 'success'), (2.4, 'success'),
                (2.6, 'success'), (2.8, 'success'), (3.0, 'success'), (3.2, 'throttle'),
                (3.4, 'success')])
spec_published = [(0.0, 0.5), (0.0, 0.5), (4.800000000000001, 0.5), (4.800000000000001, 0.5),
                  (4.16, 0.5), (4.16, 0.6912), (4.16, 1.0975999999999997),
                  (5.632000000000001, 1.6384000000000005), (5.632000000000001, 2.3328),
                  (4.3264, 3.0284799999999996), (4.3264, 3.48663917347026),
                  (4.3264, 3.821874416040255), (5.66528, 4.053385727709987),
                  (5.66528, 4.200373108479454), (4.333056, 4.282036558348658),
                  (4.333056, 2.99742559084406), (4.333056, 3.4522263943863463)]

sequences = [
    run('sdk_test_table', 0.0, spec_script, spec_published, 1e-12),
    # botocore RateClocker scenarios (tests/unit/retries/test_adaptive.py): 1 response per second
    # for 20 s measures 1/s.
    run('constant_one_per_second', 0.0, [(float(t), 'success') for t in range(1, 21)]),
    # Responses in one half-second bucket count when the next bucket starts: 6 in 0.5 s, so
    # 0.8 * 12 (botocore's value).
    run('half_second_buckets', 0.0, [(0.1, 'success'), (0.2, 'success'), (0.3, 'success'),
                                     (0.4, 'success'), (0.49, 'success'), (0.5, 'success')],
        [(0.0, 0.5)] * 5 + [(12 * 0.8, 0.5)], 1e-12),
    # Two per second, then a ten-second gap: the smoothing keeps part of the old rate (botocore:
    # between 0.1 and 2).
    run('smoothing_after_a_gap', 0.0, [(0.5 * i, 'success') for i in range(2, 9)] +
        [(14.0, 'success')]),
    # The token bucket: off until a throttle, then waits that queue up (reservations), refills
    # capped at the capacity limit, the 0.5/s floor and the limit of 1 token.
    run('token_bucket', 10.0,
        [(10.0, 'acquire'), (10.0, 'success'), (10.25, 'acquire'), (10.25, 'success'),
         (10.5, 'success'), (10.75, 'success'), (11.0, 'success'), (11.25, 'success'),
         (11.5, 'throttle'), (11.5, 'acquire'), (11.5, 'acquire'), (11.6, 'acquire'),
         (13.0, 'success'), (13.0, 'acquire'), (30.0, 'success'), (30.0, 'acquire'),
         (30.0, 'acquire'), (30.0, 'acquire'), (30.0, 'acquire'), (30.0, 'acquire'),
         (60.0, 'throttle'), (60.0, 'acquire'), (60.0, 'acquire'), (61.0, 'acquire')]),
    # A second throttle while on uses min(measured, fill rate) as the new W_max.
    run('second_throttle_uses_the_fill_rate', 100.0,
        [(100.0 + 0.1 * i, 'success') for i in range(1, 30)] + [(103.0, 'throttle')] +
        [(103.0 + 0.1 * i, 'success') for i in range(1, 10)] + [(104.0, 'throttle'),
                                                                (104.5, 'success'),
                                                                (106.0, 'success')]),
]

document = {
    'description': 'Adaptive retry rate limiter reference vectors, computed by '
                   'tests/data/retry/make_adaptive_vectors.py from the algorithm the AWS SDKs '
                   'publish (botocore retries/throttling.py, adaptive.py, bucket.py) and checked '
                   'there against the values in the tests of botocore, the AWS SDK for Ruby and '
                   'the Rust smithy runtime. Times are seconds; "start" is the limiter\'s first use.',
    'constants': {'beta': BETA, 'scale_constant': SCALE, 'smooth': SMOOTH,
                  'min_fill_rate': MIN_FILL_RATE, 'min_capacity': MIN_CAPACITY},
    'time_window': time_windows,
    'cubic_rate': cubic,
    'sequences': sequences,
}
# One vector or event per line.
out = ['{']
for i, (key, value) in enumerate(document.items()):
    end = ',' if i + 1 < len(document) else ''
    if key == 'sequences':
        out.append(' "sequences": [')
        for j, seq in enumerate(value):
            out.append(f'  {{"name": {json.dumps(seq["name"])}, "start": {json.dumps(seq["start"])}, "events": [')
            out += ['   ' + json.dumps(e) + (',' if k + 1 < len(seq['events']) else '')
                    for k, e in enumerate(seq['events'])]
            out.append('  ]}' + (',' if j + 1 < len(value) else ''))
        out.append(' ]' + end)
    elif isinstance(value, list):
        out.append(f' {json.dumps(key)}: [')
        out += ['  ' + json.dumps(v) + (',' if k + 1 < len(value) else '') for k, v in enumerate(value)]
        out.append(' ]' + end)
    else:
        out.append(f' {json.dumps(key)}: {json.dumps(value)}{end}')
out.append('}')
print('\n'.join(out))
