"""PyTorch twin of scripts/bench-engine.ts: the networks it names (--inputs and --weights per network; dense ReLU,
--depth hidden layers of --width, those of weight 0 (the holdings) of --holdings-width), the same generic VMOT loss
(src/models/engines/contract.ts) and Adam; prints one JSON line with training samples/s."""
import argparse
import ctypes
import json
import time

import torch


def loaded(part):
    """Paths of the shared libraries this process has mapped whose path contains `part` (from /proc/self/maps)."""
    with open("/proc/self/maps") as f:
        return sorted({line.split()[-1] for line in f if part in line.lower() and line.split()[-1].startswith("/")})


def blas():
    """The BLAS library torch loaded: OpenBLAS (pthread or serial) or reference BLAS."""
    try:
        return ", ".join(loaded("blas")) or "none found (torch's own)"
    except OSError:
        return "unknown"


def blas_threads():
    """Threads of the loaded OpenBLAS (its own pool, beside torch's intra-op threads), or None for another BLAS."""
    try:
        libs = loaded("libopenblas")
        return ctypes.CDLL(libs[0]).openblas_get_num_threads() if libs else None
    except (OSError, AttributeError):
        return None


def sgemm_gflops(seconds):
    """The BLAS ceiling as torch runs it: GFLOP/s of repeated 1024 x 1024 float32 products."""
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    torch.mm(a, b)
    calls, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        torch.mm(a, b)
        calls += 1
    return calls * 2 * 1024**3 / (time.perf_counter() - t0) / 1e9


def net(inputs, width, depth):
    layers, d = [], inputs
    for _ in range(depth):
        layers += [torch.nn.Linear(d, width), torch.nn.ReLU()]
        d = width
    return torch.nn.Sequential(*layers, torch.nn.Linear(d, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", default="1,2,2,1,1", help="inputs of each network, comma-separated")
    ap.add_argument("--weights", default="1,1,1,0,0", help="integral weight of each network (0: a holding, with a multiplier)")
    ap.add_argument("--width", type=int, default=64, help="width of the hidden layers of the networks of weight 1")
    ap.add_argument("--depth", type=int, default=3, help="hidden layers per network")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: as installed)")
    ap.add_argument("--gamma", type=float, default=1000.0)
    ap.add_argument("--holdings-width", type=int, default=64, help="width of the holdings networks (weight 0)")
    ap.add_argument("--ceiling", action="store_true", help="only time torch.mm of 1024 x 1024 matrices (the BLAS ceiling)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    if a.ceiling:
        print(json.dumps({"sgemm_gflops": sgemm_gflops(a.seconds), "threads": torch.get_num_threads(), "blas_threads": blas_threads()}))
        return
    ins, w = [int(i) for i in a.inputs.split(",")], [float(x) for x in a.weights.split(",")]
    nets = [net(i, a.width if wk else a.holdings_width, a.depth) for i, wk in zip(ins, w)]
    params = [p for n in nets for p in n.parameters()]
    opt = torch.optim.Adam(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    B = a.batch
    xs = [torch.randn(B, i) for i in ins]
    mult = [None if wk else torch.randn(B) for wk in w]
    cost = torch.randn(B)

    def step():
        opt.zero_grad(set_to_none=True)
        outs = [n(x).squeeze(1) for n, x in zip(nets, xs)]
        phi = sum(o if m is None else o * m for o, m in zip(outs, mult))
        value = sum(wk * o.mean() for wk, o in zip(w, outs) if wk)
        loss = value + a.gamma / 2 * torch.relu(cost - phi).square().mean()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        step()
        steps += 1
    dt = time.perf_counter() - t0
    print(json.dumps({"samples_per_s": steps * B / dt, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas(), "blas_threads": blas_threads()}))


if __name__ == "__main__":
    main()
