"""A software house's SOAP client written with Python zeep, built from the gateway's live WSDL.

Run by tests/interop/zeep.test.ts with Debian's system Python (/usr/bin/python3 and its
python3-zeep package), and usable by hand against a local start:

    /usr/bin/python3 tests/interop/zeep-client.py \
        http://localhost:3000/acceptance/soap?wsdl demo-acc-alpha 0212344876 0100000169 110

Arguments: the WSDL URL (its soap:address names the endpoint), the software house's token, the
CPAS whose mailbox it pulls, a CPAS it does not serve (to provoke GW_ERR_FORBIDDEN_CPAS) and a
feedback code that does not apply to the blinkers' flow (to provoke GW_ERR_CODE_NOT_FOR_FLOW).
It pulls the mailbox (GetBlinkers), acknowledges the first blinker, sends a cancellation (code
131) for it twice (the same receipt comes back), reads its status, provokes the two Faults and
prints what it saw as one JSON object on stdout. Exit status 0 when it ran to the end.
"""

import json
import sys
import uuid
from datetime import datetime, timezone

import requests
from zeep import Client, Settings
from zeep.exceptions import Fault
from zeep.transports import Transport

GW_NS = "urn:blinker-gateway:v1"


def fault_code(fault):
    """The GW_ERR_* code in the Fault's detail (<gw:gatewayError><gw:code>)."""
    if fault.detail is None:
        return None
    code = fault.detail.find(f".//{{{GW_NS}}}gatewayError/{{{GW_NS}}}code")
    return code.text if code is not None else None


def provoke(call):
    """Runs a call that must fail; returns the Fault's GW_ERR code and faultcode."""
    try:
        call()
    except Fault as fault:
        return {"code": fault_code(fault), "faultcode": fault.code}
    return {"code": None, "faultcode": None}


def main(wsdl_url, token, cpas_kbo, other_kbo, bad_code):
    session = requests.Session()
    # The gateway's SOAP auth is the HTTP Authorization header, as for REST.
    session.headers["Authorization"] = f"Bearer {token}"
    client = Client(wsdl_url, transport=Transport(session=session, timeout=20, operation_timeout=20), settings=Settings(strict=True))
    service = client.service
    out = {"stack": "zeep"}

    page = service.GetBlinkers(cpasKbo=cpas_kbo, limit=100)
    blinkers = list(page.blinker or [])
    out["pulled"] = [{"blinkerId": b.blinkerId, "cpasKbo": b.cpasKbo, "flow": b.flow, "status": b.status} for b in blinkers]
    out["next"] = page.next
    first = blinkers[0]

    ack = service.AcknowledgeBlinker(blinkerId=first.blinkerId)
    out["acknowledged"] = {"blinkerId": ack.blinkerId, "status": ack.status}

    feedback = {
        "messageId": str(uuid.uuid4()),
        "blinkerId": first.blinkerId,
        "cpasKbo": first.cpasKbo,
        "code": 131,
        "comment": "Payslips checked with the beneficiary: no wages (zeep).",
        "sentAt": datetime.now(timezone.utc).replace(microsecond=0),
    }
    receipt = service.SubmitFeedback(**feedback)
    again = service.SubmitFeedback(**feedback)
    out["receipt"] = {"messageId": receipt.messageId, "receivedAt": receipt.receivedAt.isoformat(), "status": receipt.status}
    out["sameReceiptOnResend"] = again.receivedAt == receipt.receivedAt and again.messageId == receipt.messageId

    status = service.GetFeedbackStatus(messageId=feedback["messageId"])
    out["feedbackStatus"] = {"messageId": status.messageId, "blinkerId": status.blinkerId, "code": status.code, "status": status.status}

    second = blinkers[1]
    out["faults"] = {
        "forbiddenCpas": provoke(lambda: service.GetBlinkers(cpasKbo=other_kbo)),
        "codeNotForFlow": provoke(
            lambda: service.SubmitFeedback(
                messageId=str(uuid.uuid4()), blinkerId=second.blinkerId, cpasKbo=second.cpasKbo, code=int(bad_code), sentAt=feedback["sentAt"]
            )
        ),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit("usage: zeep-client.py WSDL_URL TOKEN CPAS_KBO OTHER_KBO BAD_CODE")
    main(*sys.argv[1:])
