#!/usr/bin/env python3
"""Where a Toolgate process's CPU went, by feature, from JFR recordings.

    bench/attribution.py before.jfr after.jfr ...

Prints one Markdown table: the share of execution samples per feature, one column per recording. A sample goes to
the first Toolgate feature found walking its stack from the leaf (so a chunk decoded inside a tracing scope counts
as decoding, and the scope's own frames as tracing); a sample with no feature frame goes to the library at its
leaf. Record with `jcmd <pid> JFR.start settings=profile filename=x.jfr` while a load runs, then
`jcmd <pid> JFR.stop`. Needs `jfr` (JDK 21 or newer) on the PATH.
"""
import collections
import re
import subprocess
import sys

FEATURES = [
    ("thread-local restoration around handle()", r"reactor\.core\.publisher\.ContextPropagation|io\.micrometer\.context\."),
    ("tracing: spans, propagation", r"micrometer\.tracing|io\.opentelemetry"),
    ("observations and meters", r"io\.micrometer\.observation|io\.micrometer\.core|MeterCache|ServerHttpObservationFilter"),
    ("upstream chunk decode", r"StreamState\.decode|ChunkReader"),
    ("upstream response decode", r"decodeResponse"),
    ("upstream request encode", r"ChatCompletionsEndpoint\.post"),
    ("request parse and bind", r"JsonBodyReader|ChatCompletionsHandler\.bind|SamplingParameters|RequestValidation"),
    ("response and chunk encode", r"OpenAiChunkEncoder|SseFrames|ChatCompletionResponse|EncoderHttpMessageWriter"),
    ("rate limits", r"RateLimit|bucket4j"),
    ("auth and edge filters", r"ApiKeyAuthentication|StrictRequestFilter|BodySizeLimit|ExchangeReleases|CorsFilter|AdmissionCheck"),
    ("turn machinery", r"TurnEngine|TurnCoordinator|AdmissionController"),
    ("SSE parsing", r"SseParser"),
    ("WebClient exchange", r"DefaultWebClient|ExchangeFunctions|ReactorClientHttp"),
]
LIBRARIES = [
    ("Reactor operators (subscribe, request, signals)", r"reactor\.core\."),
    ("Spring WebFlux dispatch", r"org\.springframework\."),
    ("Jackson (other)", r"tools\.jackson"),
    ("Netty and Reactor Netty I/O", r"io\.netty|reactor\.netty|sun\.nio|java\.nio"),
]
OTHER = "other (JDK, timers, GC helpers)"
FRAME = re.compile(r"^[\w$.<>]+\(.*\)\s+line:")


def stacks(recording):
    out = subprocess.run(["jfr", "print", "--stack-depth", "300", "--events", "jdk.ExecutionSample", recording],
                         capture_output=True, text=True, check=True).stdout
    samples, current = [], None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("jdk.ExecutionSample"):
            current = []
            samples.append(current)
        elif current is not None and FRAME.match(line):
            current.append(line.split("(")[0])
    return samples


def category(stack):
    for group in (FEATURES, LIBRARIES):
        for frame in stack:
            for name, pattern in group:
                if re.search(pattern, frame):
                    return name
    return OTHER


def main(recordings):
    counts = []
    for recording in recordings:
        samples = stacks(recording)
        counts.append((collections.Counter(category(s) for s in samples), len(samples)))
    print("| share of CPU samples | " + " | ".join(recordings) + " |")
    print("| --- |" + " ---: |" * len(recordings))
    for name in [n for n, _ in FEATURES + LIBRARIES] + [OTHER]:
        cells = [f"{100 * c[name] / total:.1f}%" if total else "-" for c, total in counts]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| samples | " + " | ".join(str(total) for _, total in counts) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    main(sys.argv[1:])
