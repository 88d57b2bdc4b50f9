from . import mto_fulfilment_report
