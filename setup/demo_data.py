#!/usr/bin/env python3
"""Demo data for the make-to-order project: "Nordwerk Machines & Furniture".

Usage::

    python setup/demo_data.py -c .local/odoo.conf -d DB [--scale N] [--seed N] [--force]

or, in-process (tests, benchmarks)::

    from demo_data import generate
    generate(env, scale=1, seed=42, progress=print)

Works on plain Odoo 19 (sale_mrp, purchase_stock, mrp_account, sale_margin) and, when the
``mto.routing.rule`` model exists, also creates a few routing rules.

Determinism: every random choice comes from ``random.Random(seed)``; the only dependence on the
clock is the single ``today`` anchor (all dates are relative to it). On two fresh databases with
the same modules, the same seed and scale produce the same records. Odoo itself still stamps
some values with "now" (confirmation dates, work-order planning never starts in the past).
"""
import argparse
import json
import random
import sys
import time as _time
from collections import defaultdict
from datetime import date, datetime, time, timedelta

# wall-clock seconds for the progress lines: a closure, so that freezegun (the simulation freezes
# the clock while the demo company is generated) does not swap in its frozen time.monotonic
_wall = (lambda f: (lambda: f()))(_time.monotonic)

MARKER = "mto_demo.generated"
TZ_NAME = "Europe/Berlin"
COMPANY_NAME = "Nordwerk Machines & Furniture"

# --------------------------------------------------------------------------------------------
# Static catalogue
# --------------------------------------------------------------------------------------------

CATEGORIES = [
    ("machines", "Custom Machines"),
    ("furniture", "Furniture"),
    ("sub", "Sub-assemblies"),
    ("comp", "Components"),
    ("raw", "Raw materials"),
    ("spare", "Spare parts"),
]

ATTRIBUTES = [
    ("Color", "pills", ["Oak", "Walnut", "Black"]),
    ("Size", "pills", ["S", "M", "L"]),
    ("Voltage", "radio", ["230 V", "400 V"]),
]

# key, name, code, efficiency %, cost/h, setup min, cleanup min, alternatives
WORKCENTERS = [
    ("cut", "Cutting", "CUT", 105, 45, 15, 10, []),
    ("weld", "Welding", "WELD", 90, 65, 20, 15, []),
    ("cnc", "CNC Milling 1", "CNC1", 110, 90, 30, 15, ["cnc2"]),
    ("cnc2", "CNC Milling 2", "CNC2", 85, 75, 30, 15, ["cnc"]),
    ("asm", "Assembly", "ASM1", 100, 50, 10, 10, ["asm2"]),
    ("asm2", "Assembly Line 2", "ASM2", 80, 40, 10, 10, ["asm"]),
    ("paint", "Painting", "PAINT", 95, 55, 30, 30, []),
    ("uph", "Upholstery", "UPH", 100, 42, 5, 5, []),
    ("qc", "Quality Control", "QC", 120, 60, 0, 5, []),
    ("pack", "Packing", "PACK", 115, 30, 5, 5, []),
]
WC_TIME = {  # realistic cycle time range in minutes per unit
    "cut": (15, 90), "weld": (30, 150), "cnc": (20, 120), "asm": (45, 180),
    "paint": (30, 120), "uph": (30, 150), "qc": (15, 60), "pack": (10, 45),
}
LEAVE_WORKCENTER = "cnc"

# key, name, street, zip, city, country code, email domain
VENDORS = [
    ("steel", "Rheinstahl Profile GmbH", "Hafenstraße 8", "47119", "Duisburg", "de", "rheinstahl-profile"),
    ("elec", "Elektra Automation AG", "Siemensring 21", "91058", "Erlangen", "de", "elektra-automation"),
    ("drive", "Antriebstechnik Weber GmbH", "Getriebeweg 3", "73730", "Esslingen", "de", "weber-antriebe"),
    ("bearing", "Lager & Technik Brno s.r.o.", "Vídeňská 117", "61900", "Brno", "cz", "lager-technik"),
    ("fluid", "HydroPneu Systems KG", "Kolbenstraße 14", "70771", "Leinfelden", "de", "hydropneu"),
    ("wood", "Holzhandel Schwarzwald GmbH", "Sägewerkstraße 2", "79271", "St. Peter", "de", "holz-schwarzwald"),
    ("hardware", "Beschlag & Co. KG", "Scharnierweg 5", "32257", "Bünde", "de", "beschlag-co"),
    ("textile", "Polster Textil Werke GmbH", "Webereistraße 40", "95028", "Hof", "de", "polster-textil"),
    ("coat", "Farbwerk Lacke GmbH", "Lackstraße 9", "50769", "Köln", "de", "farbwerk"),
    ("pack", "Verpackung Nord GmbH", "Palettenring 1", "21079", "Hamburg", "de", "verpackung-nord"),
]
GROUP_VENDORS = {  # component group -> (primary vendor, alternative vendor or None)
    "steel": ("steel", None), "coating": ("coat", None), "poly": ("steel", None),
    "fastener": ("hardware", "steel"), "electrics": ("elec", None), "plc": ("elec", None),
    "safety": ("elec", None), "motor": ("drive", "elec"), "mech": ("drive", "bearing"),
    "bearing": ("bearing", "drive"), "hydraulic": ("fluid", None), "pneumatic": ("fluid", None),
    "conveyor": ("drive", None), "filter": ("fluid", None), "pack": ("pack", None),
    "wood": ("wood", None), "finish": ("coat", "wood"), "hardware": ("hardware", None),
    "lift": ("hardware", "drive"), "upholstery": ("textile", None),
}
# name, group, category key, uom key, unit price
COMPONENTS = [
    ("Steel Tube 40x40x3", "steel", "raw", "m", 9.5),
    ("Steel Tube 80x80x4", "steel", "raw", "m", 21.0),
    ("Steel Sheet 2 mm", "steel", "raw", "m2", 38.0),
    ("Steel Plate 10 mm", "steel", "raw", "kg", 2.4),
    ("Aluminium Profile 45x45", "steel", "raw", "m", 14.0),
    ("Welding Wire 1.0 mm", "steel", "raw", "kg", 6.8),
    ("Powder Coating RAL 7035", "coating", "raw", "kg", 12.0),
    ("Powder Coating RAL 5010", "coating", "raw", "kg", 13.0),
    ("Polycarbonate Sheet 6 mm", "poly", "raw", "m2", 45.0),
    ("Fastener Kit M8", "fastener", "comp", "unit", 4.5),
    ("Fastener Kit M12", "fastener", "comp", "unit", 6.9),
    ("Contactor 25 A", "electrics", "comp", "unit", 28.0),
    ("Circuit Breaker 16 A", "electrics", "comp", "unit", 17.0),
    ("Cable Harness Set", "electrics", "comp", "unit", 85.0),
    ("Terminal Block Set", "electrics", "comp", "unit", 22.0),
    ("Cable Chain 1 m", "electrics", "comp", "unit", 31.0),
    ("Inductive Proximity Sensor", "electrics", "comp", "unit", 24.0),
    ("Limit Switch", "electrics", "comp", "unit", 15.0),
    ("Frequency Inverter 2.2 kW", "electrics", "comp", "unit", 310.0),
    ("Power Supply 24 V", "electrics", "comp", "unit", 65.0),
    ("PLC Controller S-100", "plc", "comp", "unit", 540.0),
    ("Touch Panel 7\"", "plc", "comp", "unit", 390.0),
    ("Touch Panel 10\"", "plc", "comp", "unit", 620.0),
    ("I/O Module 16DI", "plc", "comp", "unit", 120.0),
    ("Safety Light Curtain", "safety", "comp", "unit", 780.0),
    ("Emergency Stop Button", "safety", "comp", "unit", 19.0),
    ("Safety Relay", "safety", "comp", "unit", 110.0),
    ("Door Interlock Switch", "safety", "comp", "unit", 45.0),
    ("Servo Motor 0.75 kW", "motor", "comp", "unit", 380.0),
    ("Servo Motor 1.5 kW", "motor", "comp", "unit", 520.0),
    ("Spindle Motor 2.2 kW", "motor", "comp", "unit", 890.0),
    ("Spindle Motor 5.5 kW", "motor", "comp", "unit", 1450.0),
    ("Geared Motor 0.37 kW", "motor", "comp", "unit", 240.0),
    ("Single-phase Motor 230 V", "motor", "comp", "unit", 310.0),
    ("Three-phase Motor 400 V", "motor", "comp", "unit", 280.0),
    ("Linear Guide Rail 1 m", "mech", "comp", "unit", 95.0),
    ("Ball Screw 16x5", "mech", "comp", "unit", 120.0),
    ("Gearbox 1:10", "mech", "comp", "unit", 210.0),
    ("Shaft Coupling", "mech", "comp", "unit", 38.0),
    ("Timing Belt HTD 8M", "mech", "comp", "unit", 27.0),
    ("Toothed Pulley 8M", "mech", "comp", "unit", 33.0),
    ("Ball Bearing 6204", "bearing", "comp", "unit", 4.2),
    ("Ball Bearing 6306", "bearing", "comp", "unit", 9.8),
    ("Pillow Block Bearing UCP205", "bearing", "comp", "unit", 18.0),
    ("Hydraulic Pump 4 kW", "hydraulic", "comp", "unit", 690.0),
    ("Hydraulic Cylinder 63 mm", "hydraulic", "comp", "unit", 340.0),
    ("Hydraulic Hose Set", "hydraulic", "comp", "unit", 75.0),
    ("Pressure Relief Valve", "hydraulic", "comp", "unit", 95.0),
    ("Pneumatic Cylinder 32 mm", "pneumatic", "comp", "unit", 62.0),
    ("Solenoid Valve 5/2", "pneumatic", "comp", "unit", 48.0),
    ("Air Service Unit", "pneumatic", "comp", "unit", 85.0),
    ("Pneumatic Tubing 8 mm", "pneumatic", "comp", "m", 1.9),
    ("Conveyor Belt 500 mm", "conveyor", "comp", "m", 48.0),
    ("Conveyor Roller 50 mm", "conveyor", "comp", "unit", 12.0),
    ("Dust Filter Cartridge", "filter", "comp", "unit", 58.0),
    ("Extraction Fan 1.1 kW", "filter", "comp", "unit", 420.0),
    ("Wooden Export Crate", "pack", "comp", "unit", 120.0),
    ("Euro Pallet", "pack", "comp", "unit", 14.0),
    ("Cardboard Box XL", "pack", "comp", "unit", 6.5),
    ("Stretch Film", "pack", "comp", "m", 0.15),
    ("Corner Protector Set", "pack", "comp", "unit", 3.2),
    ("Oak Board 27 mm", "wood", "raw", "m2", 68.0),
    ("Walnut Board 27 mm", "wood", "raw", "m2", 115.0),
    ("Black MDF Panel 25 mm", "wood", "raw", "m2", 29.0),
    ("Birch Plywood 18 mm", "wood", "raw", "m2", 24.0),
    ("Edge Banding 2 mm", "wood", "raw", "m", 0.9),
    ("Wood Lacquer Matt", "finish", "raw", "l", 18.0),
    ("Wood Oil Natural", "finish", "raw", "l", 24.0),
    ("Wood Glue D3", "finish", "raw", "kg", 7.5),
    ("Leveling Foot M10", "hardware", "comp", "unit", 1.8),
    ("Cable Tray 160 cm", "hardware", "comp", "unit", 19.0),
    ("Drawer Slide 450 mm", "hardware", "comp", "unit", 11.0),
    ("Soft-close Hinge", "hardware", "comp", "unit", 3.9),
    ("Aluminium Handle 160 mm", "hardware", "comp", "unit", 5.5),
    ("Cam Lock Fitting Set", "hardware", "comp", "unit", 2.4),
    ("Glass Shelf 8 mm", "hardware", "comp", "unit", 22.0),
    ("Steel Tube 30x30 Black", "hardware", "raw", "m", 7.2),
    ("Gas Spring Class 4", "hardware", "comp", "unit", 14.0),
    ("Five-star Chair Base", "hardware", "comp", "unit", 26.0),
    ("Castor Wheel 60 mm", "hardware", "comp", "unit", 2.1),
    ("Armrest Set 3D", "hardware", "comp", "unit", 38.0),
    ("Desk Lift Column", "lift", "comp", "unit", 145.0),
    ("Lift Control Box", "lift", "comp", "unit", 85.0),
    ("Control Handset", "lift", "comp", "unit", 32.0),
    ("Foam Pad 50 mm", "upholstery", "raw", "m2", 18.0),
    ("Upholstery Fabric Grey", "upholstery", "raw", "m", 21.0),
    ("Leather Black", "upholstery", "raw", "m2", 64.0),
    ("Plywood Seat Shell", "upholstery", "comp", "unit", 17.0),
]
UOM_XMLID = {
    "unit": "uom.product_uom_unit", "m": "uom.product_uom_meter",
    "m2": "uom.product_uom_square_meter", "kg": "uom.product_uom_kgm", "l": "uom.product_uom_litre",
}

# Sub-assemblies: base name, kind, component groups, operations [(workcenter, operation)]
SUB_ASSEMBLIES = [
    ("Machine Frame", "M", ["steel", "fastener", "coating"],
     [("cut", "Cut steel profiles"), ("weld", "Weld frame"), ("cnc", "Machine mounting faces"),
      ("paint", "Powder coat frame")]),
    ("Control Cabinet", "M", ["electrics", "plc", "safety"],
     [("asm", "Wire control cabinet"), ("qc", "Electrical safety test")]),
    ("Spindle Unit", "M", ["motor", "bearing", "mech"],
     [("cnc", "Machine spindle housing"), ("asm", "Assemble spindle"), ("qc", "Spindle run-in test")]),
    ("Drive Unit", "M", ["motor", "mech", "bearing"],
     [("cnc", "Machine drive plates"), ("asm", "Assemble drive train")]),
    ("Hydraulic Unit", "M", ["hydraulic", "steel", "fastener"],
     [("cut", "Cut tank plates"), ("weld", "Weld oil tank"), ("asm", "Assemble hydraulics"),
      ("qc", "Pressure test")]),
    ("Pneumatic Module", "M", ["pneumatic", "electrics", "fastener"],
     [("asm", "Assemble valve terminal"), ("qc", "Leak test")]),
    ("Safety Guard", "M", ["steel", "poly", "safety"],
     [("cut", "Cut guard profiles"), ("weld", "Weld guard frame"), ("paint", "Powder coat guard"),
      ("asm", "Mount polycarbonate panels")]),
    ("Conveyor Section", "M", ["conveyor", "motor", "mech"],
     [("cut", "Cut conveyor side rails"), ("weld", "Weld conveyor frame"), ("asm", "Assemble conveyor")]),
    ("Extraction Hood", "M", ["steel", "filter", "coating"],
     [("cut", "Cut sheet metal"), ("weld", "Weld hood"), ("paint", "Powder coat hood")]),
    ("Operator Console", "M", ["plc", "electrics", "safety"],
     [("cut", "Cut console housing"), ("paint", "Paint console"), ("asm", "Assemble console")]),
    ("Table Top Core", "desk", ["wood", "finish"],
     [("cut", "Cut panels"), ("cnc", "CNC edge profiling"), ("asm", "Edge banding")]),
    ("Table Frame", "desk", ["hardware", "coating", "fastener"],
     [("cut", "Cut frame tubes"), ("weld", "Weld table frame"), ("paint", "Powder coat frame")]),
    ("Lift Mechanism", "desk", ["lift", "electrics", "fastener"],
     [("asm", "Assemble lift mechanism"), ("qc", "Lift cycle test")]),
    ("Cable Management Unit", "desk", ["hardware", "electrics"],
     [("cut", "Cut cable duct"), ("asm", "Assemble cable management")]),
    ("Seat Module", "chair", ["upholstery", "fastener"],
     [("cut", "Cut foam and fabric"), ("uph", "Upholster seat")]),
    ("Backrest Module", "chair", ["upholstery", "hardware"],
     [("cut", "Cut backrest parts"), ("uph", "Upholster backrest")]),
    ("Chair Base Assembly", "chair", ["hardware", "fastener"],
     [("asm", "Assemble chair base"), ("qc", "Load test")]),
    ("Armrest Module", "chair", ["hardware", "upholstery"],
     [("cnc", "Machine armrest brackets"), ("asm", "Assemble armrests")]),
    ("Carcass", "cabinet", ["wood", "hardware", "finish"],
     [("cut", "Cut carcass panels"), ("cnc", "Drill fitting holes"), ("asm", "Assemble carcass")]),
    ("Drawer Unit", "cabinet", ["wood", "hardware"],
     [("cut", "Cut drawer panels"), ("cnc", "Groove drawer bottoms"), ("asm", "Assemble drawers")]),
    ("Door Set", "cabinet", ["wood", "hardware", "finish"],
     [("cut", "Cut door panels"), ("cnc", "Drill hinge cups"), ("paint", "Lacquer doors")]),
    ("Plinth Frame", "cabinet", ["hardware", "coating", "fastener"],
     [("cut", "Cut plinth tubes"), ("weld", "Weld plinth"), ("paint", "Powder coat plinth")]),
]

# Finished families: name, kind, model prefix, attributes, extra component groups
MACHINES = [
    ("CNC Router", "CR", []), ("Panel Saw", "PS", []), ("Edge Bander", "EB", []),
    ("Drill Press", "DP", ["Voltage"]), ("Belt Sander", "BS", ["Voltage"]), ("Spray Booth", "SB", []),
    ("Dust Extractor", "DX", []), ("Hydraulic Press", "HP", []), ("Band Saw", "BA", ["Voltage"]),
    ("Laser Engraver", "LE", []), ("Labeling Machine", "LM", []), ("Tube Bender", "TB", []),
    ("Conveyor System", "CS", []), ("Packaging Station", "PK", []), ("Vacuum Press", "VP", []),
    ("Planer-Thicknesser", "PT", []), ("Lathe", "LA", ["Voltage"]), ("Pallet Wrapper", "PW", []),
    ("Welding Robot Cell", "WR", []), ("Test Bench", "TE", []),
]
MACHINE_GROUPS = ["electrics", "plc", "safety", "mech", "pack", "fastener", "coating"]
FURNITURE = [
    ("Standing Desk", "desk", ["Color", "Size"]), ("Conference Table", "desk", ["Color", "Size"]),
    ("Dining Table", "desk", ["Color", "Size"]), ("Standard Office Table", "desk", ["Size"]),
    ("Office Chair", "chair", ["Color"]), ("Lounge Chair", "chair", ["Color"]),
    ("Bar Stool", "chair", []), ("Bookshelf", "cabinet", ["Size"]),
    ("Sideboard", "cabinet", ["Color"]), ("Wardrobe", "cabinet", []),
    ("Reception Desk", "desk", []), ("Workbench", "desk", ["Size"]),
    ("Coffee Table", "desk", ["Color"]), ("Filing Cabinet", "cabinet", []),
    ("Meeting Booth", "cabinet", []), ("Executive Desk", "desk", ["Color"]),
    ("Canteen Bench", "chair", []), ("Lab Table", "desk", []),
    ("Locker Cabinet", "cabinet", []), ("Display Cabinet", "cabinet", ["Color"]),
]
FURNITURE_GROUPS = {
    "desk": ["hardware", "finish", "pack", "fastener"],
    "chair": ["upholstery", "hardware", "pack"],
    "cabinet": ["hardware", "finish", "pack", "wood"],
}
FURNITURE_OPS = {
    "desk": [("cnc", "Machine top cut-outs"), ("asm", "Final assembly"), ("qc", "Final inspection"),
             ("pack", "Pack flat")],
    "chair": [("uph", "Final upholstery"), ("asm", "Assemble chair"), ("qc", "Final inspection"),
              ("pack", "Box chair")],
    "cabinet": [("asm", "Assemble cabinet"), ("qc", "Final inspection"), ("pack", "Pack and wrap")],
}
MACHINE_OPS = [("asm", "Final assembly"), ("asm2", "Electrical connection"),
               ("qc", "Functional test and CE check"), ("pack", "Crate and pack")]
SERIES = ["", "Pro", "Compact", "XL", "Eco", "Plus", "Studio", "Max", "Lite", "Prime"]
COLOR_BOARD = {"Oak": "Oak Board 27 mm", "Walnut": "Walnut Board 27 mm", "Black": "Black MDF Panel 25 mm"}
COLOR_FINISH = {"Oak": "Wood Oil Natural", "Walnut": "Wood Oil Natural", "Black": "Wood Lacquer Matt"}
SIZE_FACTOR = {"S": 1.0, "M": 1.4, "L": 1.9}
VOLTAGE_MOTOR = {"230 V": "Single-phase Motor 230 V", "400 V": "Three-phase Motor 400 V"}

SPARE_PARTS = [
    ("Spare Spindle Motor 2.2 kW", 1190.0, 760.0), ("Spare Saw Blade Set", 145.0, 62.0),
    ("Spare Drive Belt Kit", 89.0, 31.0), ("Spare Control Board", 640.0, 310.0),
    ("Spare Filter Cartridge Set", 159.0, 74.0), ("Spare Castor Set (5 pcs)", 35.0, 11.0),
]

CUSTOMER_STEMS = [
    "Hansa", "Alpen", "Baltic", "Rhein", "Elbe", "Nordlicht", "Isar", "Main", "Spree", "Donau",
    "Weser", "Mosel", "Harz", "Eifel", "Bodensee", "Ruhr", "Saale", "Taunus", "Allgäu", "Lausitz",
    "Havel", "Neckar", "Oder", "Fichtel", "Ems", "Lech", "Inn", "Tauber", "Wupper", "Jade",
]
CUSTOMER_KINDS = [
    "Office Outfitters", "Möbelwerk", "Holzbau", "Interior Solutions", "Maschinenbau",
    "Schreinerei", "Büroeinrichtung", "Werkstatttechnik", "Hotelausstattung", "Ladenbau",
    "Metallbau", "Fertigungstechnik", "Objekteinrichtung", "Systemtechnik", "Einrichtungshaus",
]
LEGAL_FORMS = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."]
CITIES = [
    ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"), ("Frankfurt am Main", "60311"),
    ("Stuttgart", "70173"), ("Düsseldorf", "40213"), ("Leipzig", "04109"), ("Dortmund", "44135"),
    ("Essen", "45127"), ("Bremen", "28195"), ("Dresden", "01067"), ("Hannover", "30159"),
    ("Nürnberg", "90402"), ("Augsburg", "86150"), ("Freiburg", "79098"), ("Ulm", "89073"),
    ("Kassel", "34117"), ("Rostock", "18055"), ("Regensburg", "93047"), ("Mannheim", "68159"),
]
STREETS = ["Haupt", "Bahnhof", "Industrie", "Garten", "Werk"]
FIRST_NAMES = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Laura", "Maximilian",
               "Lena", "Paul", "Julia", "Tobias", "Hannah", "Niklas", "Clara", "David", "Katrin",
               "Stefan", "Miriam", "Florian"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
              "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
              "Zimmermann", "Braun", "Krüger", "Hartmann"]
FUNCTIONS = ["Purchasing Manager", "Head of Facilities", "Production Manager", "Managing Director",
             "Buyer", "Project Manager"]

USERS = [
    # login, name, group xmlids (first available of each alternative tuple)
    ("sales", "Sam Seller", [("sales_team.group_sale_salesman",)]),
    ("planner", "Pia Planner", [("mrp.group_mrp_manager",), ("stock.group_stock_user",)]),
    ("accountant", "Alex Accountant", [("account.group_account_manager", "account.group_account_invoice")]),
]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _round_to(value, step):
    return round(round(value / step) * step, 2)


def _add_workdays(day, n):
    """The n-th working day (Mon-Fri) after `day` (n >= 0; n == 0 gives `day` or next workday)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


class _Generator:
    def __init__(self, env, scale, seed, progress, vendor_delay=True, public_holidays=True, open_work=True):
        from odoo.fields import Command
        self.Command = Command
        self.env = env(context=dict(
            env.context, tz=TZ_NAME, tracking_disable=True, mail_notrack=True,
            mail_create_nolog=True, mail_create_nosubscribe=True, no_reset_password=True,
            mail_auto_subscribe_no_notify=True,
        ), su=True)
        self.scale = max(1, int(scale))
        self.seed = seed
        self.vendor_delay = vendor_delay
        self.public_holidays = public_holidays
        self.open_work = open_work
        self.rng = random.Random(seed)
        self.progress = progress or (lambda *_a: None)
        import pytz
        self.today = datetime.now(pytz.timezone(TZ_NAME)).date()   # the single clock anchor
        self.t0 = _wall()
        self.t_phase = self.t0
        self.counts = {}
        self.warnings = []

    # ---------------------------------------------------------------- utilities
    def log(self, msg):
        now = _wall()
        self.progress(f"demo: {msg} ({now - self.t_phase:.1f}s, total {now - self.t0:.1f}s)")
        self.t_phase = now

    def ref(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False)

    def local_dt(self, day, hour, minute=0):
        """Naive UTC datetime for `day` at hour:minute Europe/Berlin."""
        import pytz
        tz = pytz.timezone(TZ_NAME)
        return tz.localize(datetime.combine(day, time(hour, minute))).astimezone(pytz.utc).replace(tzinfo=None)

    def workday(self, n):
        return _add_workdays(self.today, n)

    # ---------------------------------------------------------------- main
    def create_public_holidays(self):
        """The plant's public holidays (Baden-Württemberg) this year and next: days off of the
        company calendar for everyone, as Odoo's Public Holidays are, so that no work is
        planned, promised or booked on them."""
        from dateutil.easter import easter
        days = []
        for year in (self.today.year, self.today.year + 1):
            e = easter(year)
            days += [
                (date(year, 1, 1), "New Year's Day"), (date(year, 1, 6), "Epiphany"),
                (e - timedelta(days=2), "Good Friday"), (e + timedelta(days=1), "Easter Monday"),
                (date(year, 5, 1), "Labour Day"), (e + timedelta(days=39), "Ascension Day"),
                (e + timedelta(days=50), "Whit Monday"), (e + timedelta(days=60), "Corpus Christi"),
                (date(year, 10, 3), "Day of German Unity"), (date(year, 11, 1), "All Saints' Day"),
                (date(year, 12, 25), "Christmas Day"), (date(year, 12, 26), "Boxing Day"),
            ]
        self.env["resource.calendar.leaves"].create([{
            "name": name, "calendar_id": self.calendar.id, "resource_id": False, "time_type": "leave",
            "date_from": self.local_dt(day, 0), "date_to": self.local_dt(day, 23, 59) + timedelta(seconds=59),
        } for day, name in days])

    def run(self):
        env = self.env
        self.progress(f"demo: generating Nordwerk demo data (scale={self.scale}, seed={self.seed}, "
                      f"today={self.today})")
        self.setup_company()
        self.create_users()
        self.create_master_data()
        self.build_catalogue()
        self.create_products()
        self.create_boms()
        self.set_costs_and_prices()
        self.create_orderpoints()
        self.create_routing_rules()
        self.create_initial_stock()
        if self.open_work:
            self.create_planned_productions()
            self.create_incoming_purchases()
            self.create_sales()
            self.advance_states()
        env["ir.config_parameter"].sudo().set_param(MARKER, json.dumps({
            "scale": self.scale, "seed": self.seed, "today": str(self.today),
        }))
        env.flush_all()
        self.counts.update(self.count_records())
        total = _wall() - self.t0
        self.progress("demo: counts: " + ", ".join(f"{k}={v}" for k, v in self.counts.items()))
        for w in self.warnings:
            self.progress(f"demo: warning: {w}")
        self.progress("demo: logins: admin/admin (if unchanged), sales/sales (Sam Seller), "
                      "planner/planner (Pia Planner), accountant/accountant (Alex Accountant)")
        self.progress(f"demo: done in {total:.1f}s")
        return {"counts": dict(self.counts), "seconds": total, "warnings": list(self.warnings)}

    def count_records(self):
        env = self.env
        categ_ids = [c.id for c in self.categ.values()]
        models = [
            ("product_templates", "product.template", [("categ_id", "in", categ_ids)]),
            ("product_variants", "product.product", [("categ_id", "in", categ_ids)]),
            ("boms", "mrp.bom", []), ("bom_lines", "mrp.bom.line", []),
            ("operations", "mrp.routing.workcenter", []), ("workcenters", "mrp.workcenter", []),
            ("customers", "res.partner", [("customer_rank", ">", 0), ("is_company", "=", True)]),
            ("vendors", "res.partner", [("supplier_rank", ">", 0), ("is_company", "=", True)]),
            ("sale_orders", "sale.order", []), ("purchase_orders", "purchase.order", []),
            ("productions", "mrp.production", []), ("workorders", "mrp.workorder", []),
            ("pickings", "stock.picking", []),
        ]
        res = {}
        for label, model, domain in models:
            if model in env:
                res[label] = env[model].search_count(domain)
        return res

    # ---------------------------------------------------------------- company & settings
    def setup_company(self):
        env, C = self.env, self.Command
        company = env.company
        vals = {
            "name": COMPANY_NAME, "street": "Industriestraße 12", "zip": "70565", "city": "Stuttgart",
            "phone": "+49 711 555 0100", "email": "info@nordwerk.example",
            "website": "https://www.nordwerk.example",
        }
        germany = self.ref("base.de")
        if germany:
            vals["country_id"] = germany.id
        # the buyer confirms RFQs once a day: a vendor's lead time starts the next working day
        vals["days_to_purchase"] = 1.0
        if "mto_vendor_buffer_percentile" in company._fields:
            # promises count on what each vendor's latest 30 receipts achieved, so that all the
            # purchases an order waits for are in time in 95 % of orders: the company aims at 95 %
            # of orders on time (the production buffer below aims there too)
            vals.update(mto_vendor_buffer_percentile=95, mto_vendor_buffer_receipts=30,
                        mto_vendor_buffer_per_order=True)
        if "mto_production_buffer_percentile" in company._fields:
            # and on what 95 % of the latest 30 manufacturing orders for order lines achieved
            vals.update(mto_production_buffer_percentile=95, mto_production_buffer_orders=30)
        if "mto_capacity_reserve" in company._fields:
            # promises plan work centers at the speed done work orders really had, with 5 % slack
            vals.update(mto_capacity_reserve=5.0, mto_learn_durations=True)
        euro = self.ref("base.EUR")
        if euro and company.currency_id != euro and "account.move.line" in env and not env[
                "account.move.line"].sudo().search_count([("company_id", "=", company.id)], limit=1):
            # a German plant sells in euros (Odoo allows the change until something is posted)
            euro.active = True
            vals["currency_id"] = euro.id
        company.write(vals)
        company.partner_id.tz = TZ_NAME
        if vals.get("currency_id"):
            if "product.pricelist" in env:
                env["product.pricelist"].sudo().search([
                    ("company_id", "in", (False, company.id)), ("currency_id", "!=", euro.id),
                ]).currency_id = euro
            # one company, one currency: Odoo shows currencies (pricelist, amounts) only with several
            used = env["res.company"].sudo().search([]).currency_id
            env["res.currency"].sudo().search([("id", "not in", used.ids)]).active = False

        attendances = []
        for dow in range(5):
            for (h_from, h_to, period) in ((8.0, 12.0, "morning"), (13.0, 17.0, "afternoon")):
                attendances.append(C.create({
                    "name": f"{['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][dow]} "
                            f"{'Morning' if period == 'morning' else 'Afternoon'}",
                    "dayofweek": str(dow), "hour_from": h_from, "hour_to": h_to, "day_period": period,
                }))
        self.calendar = env["resource.calendar"].create({
            "name": "Nordwerk 40 h/week (Mon-Fri 08-12, 13-17)", "company_id": company.id,
            "tz": TZ_NAME, "hours_per_day": 8.0, "attendance_ids": [C.clear()] + attendances,
        })
        company.resource_calendar_id = self.calendar
        env["resource.calendar"].search([]).write({"tz": TZ_NAME})
        if self.public_holidays:
            self.create_public_holidays()
        admin = self.ref("base.user_admin")
        if admin:
            admin.tz = TZ_NAME

        settings = {"group_mrp_routings": True, "group_product_variant": True,
                    "replenish_on_order": True}
        cfg_model = env["res.config.settings"]
        settings = {k: v for k, v in settings.items() if k in cfg_model._fields}
        cfg_model.create(settings).execute()
        # Belt and braces, independent of the settings wizard
        user_group = self.ref("base.group_user")
        for xmlid in ("mrp.group_mrp_routings", "product.group_product_variant"):
            group = self.ref(xmlid)
            if group and user_group and group not in user_group.implied_ids:
                user_group.write({"implied_ids": [C.link(group.id)]})
        self.route_mto = self.ref("stock.route_warehouse0_mto")
        if not self.route_mto.active:
            self.route_mto.active = True
        self.route_manufacture = self.ref("mrp.route_warehouse0_manufacture")
        self.route_buy = self.ref("purchase_stock.route_warehouse0_buy")
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1, order="id")
        self.warehouse.name = "Nordwerk Stuttgart"
        self.company = company
        self.log(f"company '{COMPANY_NAME}', 40 h calendar, MTO route, work orders and variants enabled")

    def create_users(self):
        env, C = self.env, self.Command
        base_user = self.ref("base.group_user")
        existing = {u.login: u for u in env["res.users"].with_context(active_test=False).search(
            [("login", "in", [u[0] for u in USERS])])}
        self.users = {}
        for login, name, group_alts in USERS:
            groups = [base_user.id]
            for alts in group_alts:
                grp = next((g for g in (self.ref(x) for x in alts) if g), None)
                if grp:
                    groups.append(grp.id)
                else:
                    self.warnings.append(f"user {login}: none of the groups {alts} exist")
            if login in existing:
                user = existing[login]
                user.write({"group_ids": [C.link(g) for g in groups]})
            else:
                user = env["res.users"].create({
                    "name": name, "login": login, "password": login,
                    "email": f"{login}@nordwerk.example", "tz": TZ_NAME,
                    "company_id": self.company.id, "company_ids": [C.set([self.company.id])],
                    "group_ids": [C.set(groups)],
                })
            self.users[login] = user
        self.log(f"{len(USERS)} users (sales, planner, accountant)")

    # ---------------------------------------------------------------- partners, categories, workcenters
    def create_master_data(self):
        env, C, rng = self.env, self.Command, self.rng
        # categories (reused by name)
        parent = self.ref("product.product_category_all")
        cat_model = env["product.category"]
        names = [n for _k, n in CATEGORIES]
        existing = {c.name: c for c in cat_model.search([("name", "in", names)], order="id")}
        to_create = [{"name": n, **({"parent_id": parent.id} if parent else {})}
                     for n in names if n not in existing]
        for cat in cat_model.create(to_create):
            existing[cat.name] = cat
        self.categ = {k: existing[n] for k, n in CATEGORIES}

        # attributes (reused by name)
        attr_model = env["product.attribute"]
        existing = {a.name: a for a in attr_model.search([("name", "in", [a[0] for a in ATTRIBUTES])], order="id")}
        self.attr, self.attr_value = {}, {}
        for name, display, values in ATTRIBUTES:
            attr = existing.get(name)
            if not attr:
                attr = attr_model.create({
                    "name": name, "display_type": display, "create_variant": "always",
                    "value_ids": [C.create({"name": v, "sequence": i}) for i, v in enumerate(values)],
                })
            self.attr[name] = attr
            for v in values:
                val = attr.value_ids.filtered(lambda x, v=v: x.name == v)[:1]
                if not val:
                    val = env["product.attribute.value"].create({"name": v, "attribute_id": attr.id})
                self.attr_value[(name, v)] = val

        # workcenters
        wc_vals = []
        for i, (_key, name, code, eff, cost, t_start, t_stop, _alt) in enumerate(WORKCENTERS):
            wc_vals.append({
                "name": name, "code": code, "sequence": (i + 1) * 10, "company_id": self.company.id,
                "resource_calendar_id": self.calendar.id, "time_efficiency": eff,
                "costs_hour": cost, "time_start": t_start, "time_stop": t_stop, "oee_target": 85,
            })
        wcs = env["mrp.workcenter"].create(wc_vals)
        self.wc = {w[0]: wc for w, wc in zip(WORKCENTERS, wcs, strict=True)}
        for key, *_rest, alts in WORKCENTERS:
            if alts:
                self.wc[key].alternative_workcenter_ids = [C.set([self.wc[a].id for a in alts])]
        # planned maintenance next week: Tuesday 08:00 -> Thursday 17:00 (3 working days)
        next_monday = self.today + timedelta(days=7 - self.today.weekday())
        leave_wc = self.wc[LEAVE_WORKCENTER]
        self.leave = env["resource.calendar.leaves"].create({
            "name": f"{leave_wc.name}: spindle overhaul (planned maintenance)",
            "calendar_id": self.calendar.id, "resource_id": leave_wc.resource_id.id,
            "date_from": self.local_dt(next_monday + timedelta(days=1), 8),
            "date_to": self.local_dt(next_monday + timedelta(days=3), 17),
            "time_type": "leave",
        })

        # vendors
        countries = {}
        for code in sorted({v[5] for v in VENDORS}):
            countries[code] = self.ref(f"base.{code}")
        vendor_vals = []
        for i, (_key, name, street, zip_, city, ccode, domain) in enumerate(VENDORS):
            first, last = FIRST_NAMES[(i * 7) % len(FIRST_NAMES)], LAST_NAMES[(i * 3) % len(LAST_NAMES)]
            vendor_vals.append({
                "name": name, "is_company": True, "supplier_rank": 1, "street": street, "zip": zip_,
                "city": city, "country_id": countries[ccode].id if countries[ccode] else False,
                "email": f"orders@{domain}.example", "phone": f"+49 30 {4100 + i * 37} {200 + i}",
                "child_ids": [C.create({
                    "name": f"{first} {last}", "type": "contact", "function": "Sales Representative",
                    "email": f"{first.lower()}.{last.lower()}@{domain}.example".replace("ü", "ue")
                             .replace("ö", "oe").replace("ä", "ae"),
                })],
            })
        vendors = env["res.partner"].create(vendor_vals)
        self.vendor = {v[0]: p for v, p in zip(VENDORS, vendors, strict=True)}

        # customers: customer 0 is the big account
        n_customers = 25 * self.scale
        combos = [(s, k) for s in CUSTOMER_STEMS for k in CUSTOMER_KINDS]
        combos.remove(("Hansa", "Office Outfitters"))
        rng.shuffle(combos)
        customer_vals = []
        germany_id = self.ref("base.de").id if self.ref("base.de") else False
        salesperson = self.users["sales"].id
        for i in range(n_customers):
            if i == 0:
                stem, kind, form = "Hansa", "Office Outfitters", "GmbH"
            else:
                stem, kind = combos[(i - 1) % len(combos)]
                form = LEGAL_FORMS[rng.randrange(len(LEGAL_FORMS))]
            suffix = f" {((i - 1) // len(combos)) + 2}" if i and (i - 1) >= len(combos) else ""
            name = f"{stem} {kind}{suffix} {form}"
            city, zip_ = CITIES[rng.randrange(len(CITIES))]
            first, last = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))], LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            slug = "".join(ch for ch in f"{stem}{kind}".lower().replace("ü", "ue").replace("ö", "oe")
                           .replace("ä", "ae") if ch.isalnum())
            customer_vals.append({
                "name": name, "is_company": True, "customer_rank": 1, "user_id": salesperson,
                "street": f"{STREETS[i % len(STREETS)]}straße {rng.randint(1, 120)}",
                "zip": zip_, "city": city, "country_id": germany_id, "email": f"info@{slug}{i}.example",
                "phone": f"+49 {rng.randint(30, 989)} {rng.randint(100000, 999999)}",
                "child_ids": [C.create({
                    "name": f"{first} {last}", "type": "contact", "function": FUNCTIONS[rng.randrange(len(FUNCTIONS))],
                    "email": f"{first.lower()}.{last.lower()}@{slug}{i}.example".replace("ü", "ue")
                             .replace("ö", "oe").replace("ä", "ae"),
                })],
            })
        self.customers = env["res.partner"].create(customer_vals)
        self.big_customer = self.customers[0]
        self.log(f"{len(self.categ)} categories, {len(wcs)} workcenters (+1 planned leave on "
                 f"{leave_wc.name}), {len(vendors)} vendors, {len(self.customers)} customers")

    # ---------------------------------------------------------------- catalogue (pure python)
    def build_catalogue(self):
        """Decide every product, BoM line and operation before touching the database."""
        rng, scale = self.rng, self.scale
        revs = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        # components
        self.comp_specs = []
        for gen in range(scale):
            for name, group, categ, uom, price in COMPONENTS:
                cname = name if gen == 0 else f"{name} (Rev {revs[gen % 26]}{'' if gen < 26 else gen // 26})"
                gprice = round(price * (1 + 0.04 * gen) * rng.uniform(0.95, 1.05), 2)
                primary, alt = GROUP_VENDORS[group]
                kind = "mto" if gprice >= 200 else ("op" if gprice < 30 else "stock")
                sellers = [{"vendor": primary, "price": gprice, "delay": rng.randint(3, 14),
                            "min_qty": self._min_qty(uom, gprice)}]
                if alt and rng.random() < 0.6:
                    sellers.append({"vendor": alt, "price": round(gprice * rng.uniform(1.04, 1.15), 2),
                                    "delay": rng.randint(8, 20), "min_qty": 1.0 if uom == "unit" else 0.0})
                prefix = "RM" if categ == "raw" else "CP"
                self.comp_specs.append({
                    "key": ("comp", gen, name), "name": cname, "code": f"{prefix}-{len(self.comp_specs) + 1:05d}",
                    "group": group, "categ": categ, "uom": uom, "price": gprice, "kind": kind,
                    "sellers": sellers, "gen": gen, "base": name,
                })
        self.comp_by_key = {c["key"]: c for c in self.comp_specs}
        self.comps_by_group = defaultdict(list)
        for c in self.comp_specs:
            self.comps_by_group[c["group"]].append(c)

        # sub-assemblies
        self.sub_specs = []
        for gen in range(scale):
            for base, kind, groups, ops in SUB_ASSEMBLIES:
                name = base if gen == 0 else f"{base} Mk{gen + 1}"
                n_comp = rng.randint(3, 6)
                lines = self._pick_components(groups, n_comp, gen)
                ops_spec = [(wc, op, self._cycle(wc)) for wc, op in ops]
                self.sub_specs.append({
                    "key": ("sub", gen, base), "name": name, "code": f"SA-{len(self.sub_specs) + 1:05d}",
                    "kind": kind, "base": base, "gen": gen, "lines": lines, "ops": ops_spec,
                    "produce_delay": rng.randint(2, 5),
                })
        self.subs_by_kind = defaultdict(list)
        for s in self.sub_specs:
            self.subs_by_kind[s["kind"]].append(s)

        # finished products
        self.fin_specs = []
        families = [("M", name, prefix, attrs) for name, prefix, attrs in MACHINES] + \
                   [(kind, name, None, attrs) for name, kind, attrs in FURNITURE]
        for gen in range(scale):
            for kind, fam, prefix, attrs in families:
                if kind == "M":
                    name = f"{fam} {prefix}-{(gen + 1) * 100 + rng.randrange(0, 100, 10)}"
                    categ = "machines"
                else:
                    series = SERIES[gen % len(SERIES)]
                    extra = f" {gen // len(SERIES) + 1}" if gen >= len(SERIES) else ""
                    name = f"{fam} {series}{extra}".strip() if series or extra else fam
                    categ = "furniture"
                spec = {"key": ("fin", gen, fam), "name": name, "kind": kind, "family": fam, "gen": gen,
                        "categ": categ, "attrs": list(attrs),
                        "code": f"{'FM' if kind == 'M' else 'FF'}-{len(self.fin_specs) + 1:05d}",
                        "sale_delay": rng.randint(7, 21), "produce_delay": rng.randint(3, 10),
                        "margin": rng.uniform(1.6, 2.1) if kind == "M" else rng.uniform(1.8, 2.4),
                        "is_standard_table": fam == "Standard Office Table" and gen == 0}
                spec["lines"], spec["ops"] = self._finished_structure(spec)
                self.fin_specs.append(spec)

        # spare parts
        self.spare_specs = []
        for gen in range(scale):
            for name, price, cost in SPARE_PARTS:
                sname = name if gen == 0 else f"{name} (Rev {revs[gen % 26]})"
                self.spare_specs.append({
                    "key": ("spare", gen, name), "name": sname, "code": f"SP-{len(self.spare_specs) + 1:05d}",
                    "list_price": round(price * (1 + 0.05 * gen), 2), "cost": round(cost * (1 + 0.05 * gen), 2),
                    "vendor": "drive" if "Motor" in name or "Belt" in name else (
                        "elec" if "Board" in name else ("hardware" if "Castor" in name else "fluid")),
                    "delay": rng.randint(5, 15),
                })

    def _min_qty(self, uom, price):
        if uom == "unit":
            return 1.0 if price >= 30 else float(self.rng.choice([10, 20, 50]))
        return float(self.rng.choice([5, 10, 25]))

    def _cycle(self, wc):
        lo, hi = WC_TIME[wc.rstrip("2")]
        return float(self.rng.randrange(lo, hi + 1, 5))

    def _qty(self, comp, big=False):
        uom = comp["uom"]
        rng = self.rng
        if uom == "unit":
            if comp["price"] < 10:
                return float(rng.choice([2, 4, 4, 6, 8, 12] if big else [2, 4, 6, 8]))
            return float(rng.choice([1, 1, 1, 2, 2, 4]))
        if uom == "m":
            return float(rng.choice([0.5, 1, 1.5, 2, 3, 4.5, 6]))
        if uom == "m2":
            return float(rng.choice([0.25, 0.5, 0.8, 1.2, 1.6, 2.4]))
        if uom == "l":
            return float(rng.choice([0.2, 0.3, 0.5, 0.8, 1.0]))
        return float(rng.choice([0.5, 1, 2, 3.5, 5]))  # kg

    def _pick_components(self, groups, n, gen, exclude=()):
        """n distinct components, favouring the groups given and the product's generation."""
        rng = self.rng
        pool = []
        for g in groups:
            cands = [c for c in self.comps_by_group[g] if c["gen"] in (0, gen)]
            pool.extend(cands)
        pool = [c for c in pool if c["base"] not in exclude]
        chosen, seen = [], set()
        attempts = 0
        while len(chosen) < n and attempts < 200 and pool:
            attempts += 1
            c = pool[rng.randrange(len(pool))]
            if c["base"] in seen:
                continue
            seen.add(c["base"])
            chosen.append({"item": c["key"], "qty": self._qty(c), "cond": []})
        return chosen

    def _finished_structure(self, spec):
        rng, kind, gen = self.rng, spec["kind"], spec["gen"]
        lines = []
        # sub-assemblies (2-4)
        sub_pool = [s for s in self.subs_by_kind[kind] if s["gen"] in (0, gen)] if kind != "M" else \
            [s for s in self.subs_by_kind["M"] if s["gen"] in (0, gen)]
        n_sub = min(rng.randint(2, 4), len({s["base"] for s in sub_pool}))
        picked, bases = [], set()
        while len(picked) < n_sub:
            s = sub_pool[rng.randrange(len(sub_pool))]
            if s["base"] in bases:
                continue
            bases.add(s["base"])
            picked.append(s)
        for s in picked:
            qty = 2.0 if s["base"] in ("Drawer Unit", "Door Set", "Conveyor Section") and rng.random() < 0.5 else 1.0
            lines.append({"item": s["key"], "qty": qty, "cond": []})
        # purchased components (4-8 "logical" lines)
        n_comp = rng.randint(4, 8)
        exclude = set()
        if "Color" in spec["attrs"]:
            n_comp -= 2
            exclude |= set(COLOR_BOARD.values()) | set(COLOR_FINISH.values())
            sizes = ["S", "M", "L"] if "Size" in spec["attrs"] else [None]
            base_area = rng.choice([0.8, 1.2, 1.6, 2.0])
            for color in ("Oak", "Walnut", "Black"):
                for size in sizes:
                    cond = [("Color", color)] + ([("Size", size)] if size else [])
                    area = round(base_area * (SIZE_FACTOR[size] if size else 1.0), 2)
                    lines.append({"item": ("comp", 0, COLOR_BOARD[color]), "qty": area, "cond": cond})
            for color in ("Oak", "Walnut", "Black"):
                lines.append({"item": ("comp", 0, COLOR_FINISH[color]),
                              "qty": 0.5 if color != "Black" else 0.8, "cond": [("Color", color)]})
        elif "Size" in spec["attrs"]:
            n_comp -= 1
            exclude.add("Birch Plywood 18 mm")
            base_area = rng.choice([0.8, 1.2, 1.6])
            for size in ("S", "M", "L"):
                lines.append({"item": ("comp", 0, "Birch Plywood 18 mm"),
                              "qty": round(base_area * SIZE_FACTOR[size], 2), "cond": [("Size", size)]})
        if "Voltage" in spec["attrs"]:
            n_comp -= 1
            exclude |= set(VOLTAGE_MOTOR.values())
            for volt, motor in VOLTAGE_MOTOR.items():
                lines.append({"item": ("comp", 0, motor), "qty": 1.0, "cond": [("Voltage", volt)]})
            lines.append({"item": ("comp", 0, "Frequency Inverter 2.2 kW"), "qty": 1.0,
                          "cond": [("Voltage", "230 V")]})
            exclude.add("Frequency Inverter 2.2 kW")
        groups = MACHINE_GROUPS if kind == "M" else FURNITURE_GROUPS[kind]
        lines.extend(self._pick_components(groups, max(2, n_comp), gen, exclude=exclude))
        # operations
        if kind == "M":
            base_ops = list(MACHINE_OPS)
            if rng.random() < 0.4:
                base_ops.insert(2, ("paint", "Paint touch-up"))
            if rng.random() < 0.3:
                base_ops.insert(0, ("cnc", "Machine final fittings"))
        else:
            base_ops = list(FURNITURE_OPS[kind])
        ops = [{"wc": wc, "name": op, "time": self._cycle(wc), "cond": []} for wc, op in base_ops]
        if "Color" in spec["attrs"]:
            ops.insert(len(ops) - 2, {"wc": "paint", "name": "Oil finish", "time": self._cycle("paint"),
                                      "cond": [("Color", "Oak"), ("Color", "Walnut")]})
            ops.insert(len(ops) - 2, {"wc": "paint", "name": "Black lacquer finish",
                                      "time": self._cycle("paint"), "cond": [("Color", "Black")]})
        return lines, ops

    # ---------------------------------------------------------------- products
    def create_products(self):
        env, C = self.env, self.Command
        uoms = {k: self.ref(x) for k, x in UOM_XMLID.items()}
        buy, mto, manu = self.route_buy, self.route_mto, self.route_manufacture
        self.product = {}       # key -> product.product (for non-variant products)
        self.template = {}      # key -> product.template

        def seller_cmds(sellers):
            return [C.create({"partner_id": self.vendor[s["vendor"]].id, "price": s["price"],
                              "delay": s["delay"], "min_qty": s["min_qty"], "sequence": i + 1})
                    for i, s in enumerate(sellers)]

        vals = []
        for c in self.comp_specs:
            routes = [buy.id] + ([mto.id] if c["kind"] == "mto" else [])
            vals.append({
                "name": c["name"], "default_code": c["code"], "type": "consu", "is_storable": True,
                "categ_id": self.categ[c["categ"]].id, "uom_id": (uoms[c["uom"]] or uoms["unit"]).id,
                "standard_price": c["price"], "list_price": round(c["price"] * 1.5, 2),
                "sale_ok": False, "purchase_ok": True, "route_ids": [C.set(routes)],
                "seller_ids": seller_cmds(c["sellers"]),
            })
        for s in self.spare_specs:
            vals.append({
                "name": s["name"], "default_code": s["code"], "type": "consu", "is_storable": True,
                "categ_id": self.categ["spare"].id, "standard_price": s["cost"],
                "list_price": s["list_price"], "sale_ok": True, "purchase_ok": True, "sale_delay": 3,
                "route_ids": [C.set([buy.id])],
                "seller_ids": seller_cmds([{"vendor": s["vendor"], "price": s["cost"], "delay": s["delay"],
                                            "min_qty": 1.0}]),
                "description_sale": "Original Nordwerk spare part.",
            })
        for s in self.sub_specs:
            vals.append({
                "name": s["name"], "default_code": s["code"], "type": "consu", "is_storable": True,
                "categ_id": self.categ["sub"].id, "sale_ok": False, "purchase_ok": False,
                "route_ids": [C.set([mto.id, manu.id])],
            })
        attr_values = {a[0]: a[2] for a in ATTRIBUTES}
        for f in self.fin_specs:
            attr_lines = []
            for attr in f["attrs"]:
                values = [self.attr_value[(attr, v)].id for v in attr_values[attr]]
                attr_lines.append(C.create({"attribute_id": self.attr[attr].id, "value_ids": [C.set(values)]}))
            vals.append({
                "name": f["name"], "default_code": f["code"], "type": "consu", "is_storable": True,
                "categ_id": self.categ[f["categ"]].id, "sale_ok": True, "purchase_ok": False,
                "sale_delay": f["sale_delay"], "route_ids": [C.set([mto.id, manu.id])],
                "attribute_line_ids": attr_lines,
                "description_sale": ("Built to order in our Stuttgart plant." if f["kind"] == "M"
                                     else "Made to order from certified wood and steel."),
            })
        templates = env["product.template"].create(vals)
        specs = self.comp_specs + self.spare_specs + self.sub_specs + self.fin_specs
        self.key_by_tmpl = {}
        for spec, tmpl in zip(specs, templates, strict=True):
            self.template[spec["key"]] = tmpl
            self.key_by_tmpl[tmpl.id] = spec["key"]
            if len(tmpl.product_variant_ids) == 1:
                self.product[spec["key"]] = tmpl.product_variant_ids
        # variant lookup for finished products with attributes
        self.variants = {}      # key -> [(frozenset((attr, value)), product)]
        self.ptav = {}          # (tmpl id, attr, value) -> ptav
        for f in self.fin_specs:
            if not f["attrs"]:
                continue
            tmpl = self.template[f["key"]]
            for ptav in tmpl.attribute_line_ids.product_template_value_ids:
                self.ptav[(tmpl.id, ptav.attribute_id.name, ptav.product_attribute_value_id.name)] = ptav
            self.variants[f["key"]] = [
                (frozenset((v.attribute_id.name, v.product_attribute_value_id.name)
                           for v in p.product_template_attribute_value_ids), p)
                for p in tmpl.product_variant_ids.sorted("id")
            ]
            for values_fs, prod in self.variants[f["key"]]:
                values = dict(values_fs)
                suffix = "-".join(values[a].replace(" ", "").upper()[:3] for a in f["attrs"])
                prod.default_code = f"{f['code']}-{suffix}"
        n_variants = sum(len(v) for v in self.variants.values())
        self.log(f"{len(templates)} products ({len(self.fin_specs)} finished templates / "
                 f"{len(self.fin_specs) - len(self.variants) + n_variants} sellable variants, "
                 f"{len(self.sub_specs)} sub-assemblies, {len(self.comp_specs)} purchased components, "
                 f"{len(self.spare_specs)} spare parts)")

    # ---------------------------------------------------------------- BoMs
    def create_boms(self):
        env, C = self.env, self.Command
        unit = self.ref("uom.product_uom_unit")
        vals = []
        for spec in self.sub_specs + self.fin_specs:
            tmpl = self.template[spec["key"]]
            line_cmds = []
            for seq, line in enumerate(spec["lines"]):
                prod = self.product[line["item"]]
                lv = {"product_id": prod.id, "product_qty": line["qty"], "sequence": seq + 1,
                      "product_uom_id": prod.uom_id.id}
                if line["cond"]:
                    lv["bom_product_template_attribute_value_ids"] = [
                        C.set([self.ptav[(tmpl.id, a, v)].id for a, v in line["cond"]])]
                line_cmds.append(C.create(lv))
            op_cmds = []
            ops = spec["ops"] if spec in self.fin_specs else [
                {"wc": wc, "name": op, "time": t, "cond": []} for wc, op, t in spec["ops"]]
            for seq, op in enumerate(ops):
                ov = {"name": op["name"], "workcenter_id": self.wc[op["wc"]].id, "sequence": (seq + 1) * 10,
                      "time_mode": "manual", "time_cycle_manual": op["time"]}
                if op["cond"]:
                    ov["bom_product_template_attribute_value_ids"] = [
                        C.set([self.ptav[(tmpl.id, a, v)].id for a, v in op["cond"]])]
                op_cmds.append(C.create(ov))
            vals.append({
                "product_tmpl_id": tmpl.id, "product_qty": 1.0, "product_uom_id": unit.id,
                "type": "normal", "code": f"BOM-{spec['code']}", "company_id": self.company.id,
                "produce_delay": spec["produce_delay"], "bom_line_ids": line_cmds, "operation_ids": op_cmds,
            })
        boms = env["mrp.bom"].create(vals)
        self.bom = {spec["key"]: bom for spec, bom in zip(self.sub_specs + self.fin_specs, boms, strict=True)}
        n_lines = sum(len(s["lines"]) for s in self.sub_specs + self.fin_specs)
        n_ops = sum(len(s["ops"]) for s in self.sub_specs + self.fin_specs)
        self.log(f"{len(boms)} BoMs (3 levels), {n_lines} BoM lines, {n_ops} operations")

    # ---------------------------------------------------------------- costs and prices
    def _ops_cost(self, ops):
        total = 0.0
        for op in ops:
            wc = WORKCENTERS[[w[0] for w in WORKCENTERS].index(op[0])]
            minutes = op[2] * 100.0 / wc[3] + wc[5] + wc[6]
            total += minutes / 60.0 * wc[4]
        return total

    def set_costs_and_prices(self):
        env = self.env
        comp_cost = {c["key"]: c["price"] for c in self.comp_specs}
        sub_cost = {}
        for s in self.sub_specs:
            cost = sum(comp_cost[ln["item"]] * ln["qty"] for ln in s["lines"]) + self._ops_cost(s["ops"])
            sub_cost[s["key"]] = round(cost, 2)
        item_cost = {**comp_cost, **sub_cost}
        # sub-assembly costs
        for s in self.sub_specs:
            self.product[s["key"]].standard_price = sub_cost[s["key"]]

        def applies(cond, values):
            by_attr = defaultdict(set)
            for a, v in cond:
                by_attr[a].add(v)
            return all(values.get(a) in vs for a, vs in by_attr.items())

        ptav_extra = {}
        for f in self.fin_specs:
            ops = [(o["wc"], o["name"], o["time"]) for o in f["ops"]]
            if not f["attrs"]:
                cost = sum(item_cost[ln["item"]] * ln["qty"] for ln in f["lines"]) + self._ops_cost(ops)
                prod = self.product[f["key"]]
                prod.standard_price = round(cost, 2)
                step = 10 if f["kind"] == "M" else 5
                self.template[f["key"]].list_price = _round_to(cost * f["margin"], step)
                f["cost"] = cost
                continue
            costs = {}
            for values_fs, prod in self.variants[f["key"]]:
                values = dict(values_fs)
                cost = sum(item_cost[ln["item"]] * ln["qty"] for ln in f["lines"] if applies(ln["cond"], values))
                cost += self._ops_cost([(o["wc"], o["name"], o["time"]) for o in f["ops"]
                                        if applies(o["cond"], values)])
                prod.standard_price = round(cost, 2)
                costs[values_fs] = cost
            base_cost = min(costs.values())
            step = 10 if f["kind"] == "M" else 5
            tmpl = self.template[f["key"]]
            tmpl.list_price = _round_to(base_cost * f["margin"], step)
            # price extra per attribute value: average cost difference, marked up
            for attr in f["attrs"]:
                per_value = defaultdict(list)
                for values_fs, cost in costs.items():
                    per_value[dict(values_fs)[attr]].append(cost)
                avg = {v: sum(cs) / len(cs) for v, cs in per_value.items()}
                low = min(avg.values())
                for v, a in avg.items():
                    extra = _round_to((a - low) * f["margin"], step)
                    if extra:
                        ptav_extra[self.ptav[(tmpl.id, attr, v)].id] = extra
            f["cost"] = base_cost
        by_extra = defaultdict(list)
        for pid, extra in ptav_extra.items():
            by_extra[extra].append(pid)
        for extra, ids in sorted(by_extra.items()):
            env["product.template.attribute.value"].browse(sorted(ids)).write({"price_extra": extra})
        self.log(f"costs rolled up for {len(self.sub_specs)} sub-assemblies and "
                 f"{len(self.fin_specs)} finished products, sale prices set")

    # ---------------------------------------------------------------- replenishment
    def create_orderpoints(self):
        env, rng = self.env, self.rng
        vals = []
        for c in self.comp_specs:
            if c["kind"] != "op":
                continue
            min_qty = {"unit": rng.choice([10, 20, 40]), "m": rng.choice([20, 50]), "m2": rng.choice([5, 10, 20]),
                       "kg": rng.choice([10, 25]), "l": rng.choice([5, 10])}[c["uom"]]
            c["min"] = float(min_qty)
            vals.append({"product_id": self.product[c["key"]].id, "warehouse_id": self.warehouse.id,
                         "location_id": self.warehouse.lot_stock_id.id, "product_min_qty": min_qty,
                         "product_max_qty": min_qty * 3, "trigger": "auto"})
        for s in self.spare_specs:
            vals.append({"product_id": self.product[s["key"]].id, "warehouse_id": self.warehouse.id,
                         "location_id": self.warehouse.lot_stock_id.id, "product_min_qty": 3,
                         "product_max_qty": 12, "trigger": "auto"})
        ops = env["stock.warehouse.orderpoint"].create(vals)
        self.log(f"{len(ops)} reordering rules (bulk components, spare parts)")

    def create_routing_rules(self):
        env, C = self.env, self.Command
        if "mto.routing.rule" not in env:
            self.progress("demo: model mto.routing.rule not installed: no routing rules")
            return
        Rule = env["mto.routing.rule"]
        fields = Rule._fields
        std_table = self.template[("fin", 0, "Standard Office Table")]
        rules = [
            {"name": f"{self.big_customer.name}: standard tables (10+) from stock first", "sequence": 5,
             "product_tmpl_id": std_table.id, "partner_id": self.big_customer.id, "min_qty": 10,
             "strategy": "stock_then_order"},
            {"name": "Walnut furniture is always made to order", "sequence": 8,
             "product_categ_id": self.categ["furniture"].id,
             "attribute_value_ids": [C.set([self.attr_value[("Color", "Walnut")].id])],
             "strategy": "make_to_order"},
            {"name": "Custom machines are made to order", "sequence": 10,
             "product_categ_id": self.categ["machines"].id, "strategy": "make_to_order"},
            {"name": "Spare parts ship from stock", "sequence": 20,
             "product_categ_id": self.categ["spare"].id, "strategy": "make_to_stock"},
            {"name": "Small furniture orders (up to 2) from stock first", "sequence": 30,
             "product_categ_id": self.categ["furniture"].id, "max_qty": 2,
             "warehouse_id": self.warehouse.id, "strategy": "stock_then_order"},
        ]
        for r in rules:
            r["company_id"] = self.company.id
            for k in [k for k in r if k not in fields]:
                del r[k]
        created = Rule.create(rules)
        self.log(f"{len(created)} MTO routing rules")

    def _adjust_stock(self, qty_by_product, set_absolute=False):
        """Inventory adjustment in WH/Stock: add (or set) quantities; returns number of quants."""
        if not qty_by_product:
            return 0
        env = self.env
        loc = self.warehouse.lot_stock_id
        products = env["product.product"].browse(sorted(p.id for p in qty_by_product))
        onhand = {p.id: p.qty_available for p in products.with_context(location=loc.id)}
        vals = []
        for p in products:
            qty = qty_by_product[p]
            target = qty if set_absolute else onhand[p.id] + qty
            vals.append({"product_id": p.id, "location_id": loc.id, "inventory_quantity": target})
        quants = env["stock.quant"].with_context(inventory_mode=True).create(vals)
        quants._apply_inventory()
        return len(quants)

    def create_initial_stock(self):
        rng = self.rng
        qty = {}
        for c in self.comp_specs:
            prod = self.product[c["key"]]
            if c["kind"] == "op":
                qty[prod] = round(c["min"] * rng.uniform(1.2, 2.8))
            elif c["kind"] == "stock" and rng.random() < 0.6:
                qty[prod] = float(rng.choice([5, 10, 15, 20, 30, 50]) if c["uom"] == "unit"
                                  else rng.choice([10, 20, 40]))
            elif c["kind"] == "mto" and rng.random() < 0.15:
                qty[prod] = float(rng.choice([1, 2]))
        for i, s in enumerate(self.spare_specs):
            if i % 6 in (0, 1, 2, 5):
                qty[self.product[s["key"]]] = float(rng.choice([4, 8, 12, 20]))
        std = self.template[("fin", 0, "Standard Office Table")]
        for prod in std.product_variant_ids.sorted("id"):
            qty[prod] = 6.0
        n = self._adjust_stock(qty, set_absolute=True)
        self.log(f"initial stock: {n} products counted in {self.warehouse.lot_stock_id.display_name}")

    # ---------------------------------------------------------------- manufacturing
    def _sellable_products(self, kind=None):
        res = []
        for f in self.fin_specs:
            if kind and (f["kind"] == "M") != (kind == "M"):
                continue
            if f["key"] in self.variants:
                res.extend(p for _v, p in self.variants[f["key"]])
            else:
                res.append(self.product[f["key"]])
        return res

    def create_planned_productions(self):
        env, rng = self.env, self.rng
        n = 15 * self.scale
        planner = self.users["planner"].id
        finished = self._sellable_products()
        vals = []
        for i in range(n):
            day = self.workday(1 + (i * 12) // n)
            if i % 15 < 8:    # sub-assemblies built ahead
                spec = self.sub_specs[rng.randrange(len(self.sub_specs))]
                prod, bom, qty = self.product[spec["key"]], self.bom[spec["key"]], float(rng.randint(1, 5))
                origin = "Sub-assembly pre-build"
            else:
                prod = finished[rng.randrange(len(finished))]
                bom = self.bom[self.key_by_tmpl[prod.product_tmpl_id.id]]
                qty = float(rng.randint(1, 2) if prod.categ_id == self.categ["machines"] else rng.randint(2, 6))
                origin = "Showroom / framework order"
            vals.append({"product_id": prod.id, "product_qty": qty, "product_uom_id": prod.uom_id.id,
                         "bom_id": bom.id, "date_start": self.local_dt(day, 8), "origin": origin,
                         "user_id": planner, "company_id": self.company.id})
        mos = env["mrp.production"].create(vals)
        mos.action_confirm()
        self.log(f"{len(mos)} manufacturing orders created and confirmed")
        to_plan = env["mrp.production"].search(
            [("state", "=", "confirmed"), ("is_planned", "=", False)], order="date_start, id")
        # child MOs are scheduled before their parent and may start in the past: Odoo would then
        # plan them from "now"; start them next working day instead so that the plan only
        # depends on `today`.
        earliest = self.local_dt(self.workday(1), 8)
        to_plan.filtered(lambda m: m.date_start < earliest).write({"date_start": earliest})
        for mo in to_plan:
            mo.button_plan()
        wos = to_plan.workorder_ids
        last = max((w.date_finished for w in wos if w.date_finished), default=None)
        self.log(f"{len(to_plan)} MOs planned ({len(to_plan) - len(mos)} child MOs for sub-assemblies), "
                 f"{len(wos)} work orders booked until {last}")

    # ---------------------------------------------------------------- purchasing
    def create_incoming_purchases(self):
        env, rng, C = self.env, self.rng, self.Command
        n_po = 3 * self.scale
        candidates = [c for c in self.comp_specs if c["kind"] in ("op", "stock")]
        vals = []
        vendor_keys = [v[0] for v in VENDORS if any(c["sellers"][0]["vendor"] == v[0] for c in candidates)]
        for _i in range(n_po):
            vendor_key = vendor_keys[rng.randrange(len(vendor_keys))]
            comps = [c for c in candidates if c["sellers"][0]["vendor"] == vendor_key]
            picked = []
            for _ in range(rng.randint(2, 4)):
                c = comps[rng.randrange(len(comps))]
                if c not in picked:
                    picked.append(c)
            day = self.workday(rng.randint(3, 10))
            lines = []
            for c in picked:
                seller = c["sellers"][0]
                qty = max(seller["min_qty"], float(rng.choice([10, 20, 50]) if c["uom"] == "unit"
                                                   else rng.choice([10, 25])))
                lines.append(C.create({"product_id": self.product[c["key"]].id, "product_qty": qty,
                                       "price_unit": seller["price"], "date_planned": self.local_dt(day, 10)}))
            vals.append({"partner_id": self.vendor[vendor_key].id, "origin": "Stock replenishment", "order_line": lines,
                         "date_planned": self.local_dt(day, 10)})
        pos = env["purchase.order"].create(vals)
        pos.button_confirm()
        self.log(f"{len(pos)} confirmed purchase orders with receipts in the next 2 weeks")

    # ---------------------------------------------------------------- sales
    def _order_lines(self, n_lines, spare_only=False):
        rng, C = self.rng, self.Command
        machines = self._sellable_products("M")
        furniture = self._sellable_products("F")
        spares = [self.product[s["key"]] for s in self.spare_specs]
        lines, used = [], set()
        for _ in range(n_lines):
            r = rng.random()
            if spare_only or r < 0.15:
                prod, qty = spares[rng.randrange(len(spares))], float(rng.randint(1, 6))
            elif r < 0.55:
                prod, qty = machines[rng.randrange(len(machines))], float(rng.randint(1, 2))
            else:
                prod, qty = furniture[rng.randrange(len(furniture))], float(rng.choice([1, 2, 2, 4, 6, 8]))
            if prod.id in used:
                continue
            used.add(prod.id)
            lines.append(C.create({"product_id": prod.id, "product_uom_qty": qty}))
        return lines

    def create_sales(self):
        env, rng, C = self.env, self.rng, self.Command
        n = 10 * self.scale
        sales_user = self.users["sales"].id
        std_variants = self.template[("fin", 0, "Standard Office Table")].product_variant_ids.sorted("id")
        quotations, orders = [], []
        for i in range(n):
            partner = self.customers[rng.randrange(1, len(self.customers))]
            days_ago = rng.randint(1, 14)
            quotations.append({
                "partner_id": partner.id, "user_id": sales_user,
                "date_order": self.local_dt(self.today - timedelta(days=days_ago), 9 + i % 8),
                "validity_date": self.today + timedelta(days=30 - days_ago),
                "order_line": self._order_lines(rng.randint(1, 3)),
            })
        quotations[0].update({"partner_id": self.big_customer.id, "client_order_ref": "HOO-RFQ-2231",
                              "order_line": [C.create({"product_id": std_variants[1].id, "product_uom_qty": 12})]})
        for i in range(n):
            partner = self.customers[rng.randrange(1, len(self.customers))]
            spare = i % 5 == 4
            orders.append({
                "partner_id": partner.id, "user_id": sales_user,
                "client_order_ref": f"PO-{rng.randint(10000, 99999)}",
                "order_line": self._order_lines(rng.randint(1, 2) if not spare else 2, spare_only=spare),
            })
        orders[0].update({"partner_id": self.big_customer.id, "client_order_ref": "HOO-4471",
                          "order_line": [C.create({"product_id": std_variants[0].id, "product_uom_qty": 15}),
                                         C.create({"product_id": std_variants[2].id, "product_uom_qty": 4})]})
        for vals in quotations + orders:
            if not vals["order_line"]:
                vals["order_line"] = self._order_lines(1)
        self.quotations = env["sale.order"].create(quotations)
        self.log(f"{len(self.quotations)} open quotations")
        self.orders = env["sale.order"].create(orders)
        self.orders.action_confirm()
        # back-date the confirmations a little (relative to today)
        for i, so in enumerate(self.orders):
            so.date_order = self.local_dt(self.today - timedelta(days=1 + (i * 3) % 10), 9 + i % 8)
        mos = self.orders.stock_reference_ids.production_ids
        self.log(f"{len(self.orders)} confirmed sales orders ({len(mos)} MOs and "
                 f"{env['purchase.order'].search_count([('state', '=', 'draft')])} RFQs so far from procurement)")

    # ---------------------------------------------------------------- advanced states
    def _validate_pickings(self, pickings):
        done = self.env["stock.picking"]
        for picking in pickings.sorted("id"):
            if picking.state in ("done", "cancel"):
                continue
            for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                move.quantity = move.product_uom_qty
                move.picked = True
            res = picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids,
                                       skip_sms=True, skip_expired=True).button_validate()
            if picking.state != "done":
                self.warnings.append(f"picking {picking.name} not validated ({res!r:.80})")
            else:
                done |= picking
        return done

    def _production_tree(self, tops):
        """All MOs below `tops`, children before parents."""
        ordered, seen = [], set()

        def visit(mo):
            if mo.id in seen:
                return
            seen.add(mo.id)
            for child in mo._get_children().sorted("id"):
                visit(child)
            ordered.append(mo)

        for mo in tops.sorted("id"):
            visit(mo)
        return self.env["mrp.production"].browse([m.id for m in ordered])

    def _produce(self, mos):
        """Mark MOs done (children first); missing purchased components are counted into stock.

        Automatic reservation is switched off meanwhile, so that the counted stock goes to the MO
        being produced and not to whatever else waits for the same component.
        """
        icp = self.env["ir.config_parameter"].sudo()
        previous = icp.get_param("stock.picking_no_auto_reserve")
        icp.set_param("stock.picking_no_auto_reserve", "1")
        try:
            return self._produce_all(mos)
        finally:
            icp.set_param("stock.picking_no_auto_reserve", previous or False)

    def _produce_all(self, mos):
        env = self.env
        done = env["mrp.production"]
        for mo in mos:
            if mo.state in ("done", "cancel"):
                continue
            # Odoo merges two MTO demands of one order for the same sub-assembly into one MO and
            # links only the first demand to it: let the orphan take the surplus from stock.
            orphans = mo.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel")
                                               and m.procure_method == "make_to_order"
                                               and not m.move_orig_ids)
            orphans.procure_method = "make_to_stock"
            mo.action_assign()
            shortage = defaultdict(float)
            for move in mo.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                missing = move.product_uom_qty - move.quantity
                if missing > 1e-6 and not move.move_orig_ids and not move.product_id.bom_ids:
                    shortage[move.product_id] += missing
            if shortage:
                self._adjust_stock(shortage)
                mo.action_assign()
            if any(m.product_uom_qty - m.quantity > 1e-6 for m in mo.move_raw_ids
                   if m.state not in ("done", "cancel")):
                self.warnings.append(f"{mo.name}: components not fully available, left open")
                continue
            mo.qty_producing = mo.product_qty
            mo._set_qty_producing(False)
            mo.move_raw_ids.filtered(lambda m: m.state not in ("done", "cancel")).picked = True
            res = mo.with_context(skip_redirection=True, skip_consumption=True,
                                  skip_backorder=True, mo_ids_to_backorder=[]).button_mark_done()
            if mo.state != "done":
                self.warnings.append(f"{mo.name} not done ({res!r:.80})")
            else:
                done |= mo
        return done

    def advance_states(self):
        env, rng = self.env, self.rng
        # 1. orders to fulfil completely: their POs confirmed + received, MOs done, some delivered
        candidates = [so for so in self.orders[1:] if so.stock_reference_ids.production_ids]
        n_fulfil = min(len(candidates), 2 * self.scale)
        fulfil = env["sale.order"].browse(sorted(so.id for so in rng.sample(candidates, n_fulfil)))
        tree = self._production_tree(fulfil.mrp_production_ids)
        raw_moves = tree.move_raw_ids
        chain_pos = raw_moves.created_purchase_line_ids.order_id | raw_moves.move_orig_ids.purchase_line_id.order_id
        chain_pos = chain_pos.sorted("id")
        chain_pos.filtered(lambda p: p.state in ("draft", "sent")).button_confirm()
        received = self._validate_pickings(chain_pos.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming"))
        done_mos = self._produce(tree)
        deliveries = fulfil.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        deliveries.move_ids.filtered(
            lambda m: m.state in ("confirmed", "waiting", "partially_available"))._action_assign()
        to_ship = deliveries.filtered(lambda p: p.state == "assigned").sorted("id")
        shipped = self._validate_pickings(to_ship[: (len(to_ship) + 1) // 2])
        self.log(f"{len(fulfil)} orders fulfilled: {len(chain_pos)} POs confirmed, {len(received)} "
                 f"receipts validated, {len(done_mos)} MOs done, {len(shipped)} deliveries shipped")

        # 2. other RFQs: confirm every second one, receive a third of those
        rfqs = env["purchase.order"].search([("state", "in", ("draft", "sent"))], order="id")
        to_confirm = rfqs.browse([p.id for i, p in enumerate(rfqs) if i % 2 == 0])
        to_confirm.button_confirm()
        to_receive = to_confirm.browse([p.id for i, p in enumerate(to_confirm) if i % 3 == 0])
        received = self._validate_pickings(to_receive.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming"))

        # 3. spare-part orders: ship the ready ones (from stock)
        spare = self.orders.filtered(lambda so: all(line.product_id.categ_id == self.categ["spare"]
                                                    for line in so.order_line))
        ready = spare.picking_ids.filtered(lambda p: p.state == "assigned").sorted("id")
        shipped = self._validate_pickings(ready[:max(1, len(ready) // 2)] if ready else ready)
        self.log(f"{len(to_confirm)} RFQs confirmed ({len(rfqs) - len(to_confirm)} left as RFQ), "
                 f"{len(received)} receipts validated, {len(shipped)} spare-part deliveries shipped")

        # 4. the buyer sends a request for quotation made for an order, and the vendor confirms
        # it two weeks later than asked: the order's promise is re-checked at once and it shows
        # at risk (Sales > Orders > Orders at Risk)
        if self.vendor_delay and "mto_sale_line_id" in env["purchase.order.line"]._fields:
            late = env["purchase.order.line"].search([
                ("mto_sale_line_id.order_id.state", "=", "sale"), ("order_id.state", "in", ("draft", "purchase")),
                ("qty_received", "=", 0), ("date_planned", "!=", False)], order="id", limit=1)
            if late:
                late.order_id.filtered(lambda p: p.state == "draft").button_confirm()
                late.with_context(queue_job__no_delay=True).date_planned = late.date_planned + timedelta(days=14)
                order = late.mto_sale_line_id.order_id
                self.log(f"vendor delay: {late.partner_id.name} moved {late.order_id.name} "
                         f"({late.product_id.display_name}) by 14 days: {order.name} "
                         + ("at risk" if order.mto_at_risk else "still on time"))


def generate(env, scale=1, seed=42, progress=print, vendor_delay=True, public_holidays=True, open_work=True):
    """Generate the demo data in `env`. Returns {'counts', 'seconds', 'warnings'}.

    `vendor_delay`: end with a vendor moving a purchase made for an order (the order at risk);
    `public_holidays`: the plant's public holidays this year and next; `open_work`: the open
    sales, purchase and manufacturing orders of a running plant (weeks of booked work). The plant
    simulation starts without any of them: its clock works Monday to Friday, and its warm-up
    weeks fill the plant at the simulated demand's own rate.

    Neither commits nor checks the ``mto_demo.generated`` marker (the command line does both);
    it sets the marker at the end.
    """
    return _Generator(env, scale, seed, progress, vendor_delay=vendor_delay, public_holidays=public_holidays,
                      open_work=open_work).run()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Generate Nordwerk make-to-order demo data.")
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database name")
    parser.add_argument("--scale", type=int, default=1, help="multiplies products, customers, orders, MOs")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--force", action="store_true", help="generate even if already generated")
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config as odoo_config
    odoo_config.parse_config(["-c", args.config])
    import odoo.modules.registry  # noqa: F401 - make sure the submodule is loaded
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        previous = env["ir.config_parameter"].sudo().get_param(MARKER)
        if previous and not args.force:
            print(f"demo: database {args.database} already has demo data ({previous}); "
                  "nothing to do (use --force to generate again)")
            return 0
        generate(env, scale=args.scale, seed=args.seed, progress=lambda m: print(m, flush=True))
        cr.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
