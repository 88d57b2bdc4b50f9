"""The report's PNG: matplotlib when installed, else a tiny pure-Python bar chart (zlib + struct)."""
import struct
import zlib

from .report import LATENESS_BUCKETS


def write_chart(report, path):
    try:
        import matplotlib
    except ImportError:
        return _write_plain(report, path)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    # in bucket order (a report read back from its JSON file has its keys sorted)
    late = {label: report["lateness_days"].get(label, 0) for label, _lo, _hi in LATENESS_BUCKETS}
    ax = axes[0]
    colours = ["#2e7d32"] + ["#f9a825", "#fb8c00", "#e65100", "#c62828", "#8e0000"]
    ax.bar(list(late), list(late.values()), color=colours[:len(late)])
    share = report["on_time"]["share"]
    ax.set_title(f"Orders judged: lateness vs promise (on time {share * 100:.1f} %)" if share is not None
                 else "Orders judged: lateness vs promise")
    ax.set_ylabel("orders")
    ax.tick_params(axis="x", rotation=30)

    ax = axes[1]
    pl, lead = report["plain_odoo"], report["promised_lead_days"]
    labels = ["ours\nmedian", "ours\np90", "plain Odoo\nmedian", "plain Odoo\nsame on-time"]
    values = [lead["median"], lead["p90"], pl["median_lead_days"], pl["lead_needed_for_same_on_time_share"]]
    ax.bar(labels, [v or 0 for v in values], color=["#1565c0", "#64b5f6", "#9e9e9e", "#616161"])
    for i, v in enumerate(values):
        ax.text(i, (v or 0) + 0.3, "n/a" if v is None else f"{v:g} d", ha="center")
    ax.set_title("Promised lead time (calendar days)")

    ax = axes[2]
    util = report["workcenter_utilisation"]
    ax.barh(list(util), [u * 100 for u in util.values()], color="#6a1b9a")
    ax.set_xlim(0, 100)
    ax.set_title("Work-centre utilisation (%)")
    p = report["period"]
    fig.suptitle(f"MTO plant simulation, orders of {p.get('measure_from', p['start'])} .. "
                 f"{p.get('measure_to', p['end'])}, seed {p['seed']}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _write_plain(report, path, width=480, height=240):
    """Lateness histogram as bars, no text (used only when matplotlib is missing)."""
    values = [report["lateness_days"].get(label, 0) for label, _lo, _hi in LATENESS_BUCKETS]
    top = max(values) or 1
    px = [[(255, 255, 255)] * width for _ in range(height)]
    colours = [(46, 125, 50), (249, 168, 37), (251, 140, 0), (230, 81, 0), (198, 40, 40), (142, 0, 0)]
    slot = width // max(1, len(values))
    for i, v in enumerate(values):
        h = int((height - 20) * v / top)
        for y in range(height - 10 - h, height - 10):
            for x in range(i * slot + 8, (i + 1) * slot - 8):
                px[y][x] = colours[i % len(colours)]
    raw = b"".join(b"\x00" + bytes(c for rgb in row for c in rgb) for row in px)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)
    return path
