<?php
/*
 * A software house's SOAP client written with PHP's own SoapClient (ext-soap), built from the
 * gateway's live WSDL. Run by tests/interop/php-soap.test.ts with Debian's php-cli, php-soap and
 * php-xml, and usable by hand against a local start:
 *
 *   php tests/interop/php-soapclient.php \
 *       'http://localhost:3000/acceptance/soap?wsdl' demo-acc-alpha 0212344876 0100000169 110
 *
 * Arguments: the WSDL URL (its soap:address names the endpoint), the software house's token, the
 * CPAS whose mailbox it pulls, a CPAS it does not serve (to provoke GW_ERR_FORBIDDEN_CPAS) and a
 * feedback code that does not apply to the blinkers' flow (to provoke GW_ERR_CODE_NOT_FOR_FLOW).
 * It pulls the mailbox (GetBlinkers), acknowledges the first blinker, sends a cancellation (code
 * 131) for it twice (the same receipt comes back), reads its status, provokes the two Faults and
 * prints what it saw as one JSON object on stdout. Exit status 0 when it ran to the end.
 */

if ($argc !== 6) {
    fwrite(STDERR, "usage: php-soapclient.php WSDL_URL TOKEN CPAS_KBO OTHER_KBO BAD_CODE\n");
    exit(2);
}
[, $wsdl, $token, $cpasKbo, $otherKbo, $badCode] = $argv;

function uuid4(): string
{
    $b = random_bytes(16);
    $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
    $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
    return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
}

/** The GW_ERR_* code of a Fault's detail (<gw:gatewayError><gw:code>), as SoapClient maps it. */
function provoke(callable $call): array
{
    try {
        $call();
    } catch (SoapFault $fault) {
        return ['code' => $fault->detail->gatewayError->code ?? null, 'faultcode' => $fault->faultcode];
    }
    return ['code' => null, 'faultcode' => null];
}

// The gateway's SOAP auth is the HTTP Authorization header, as for REST; the WSDL is fetched the
// same way (it needs none, and the header does no harm there).
$context = stream_context_create(['http' => ['header' => "Authorization: Bearer $token\r\n", 'timeout' => 20]]);
$client = new SoapClient($wsdl, [
    'stream_context' => $context,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'connection_timeout' => 20,
    // One <blinker> still comes back as an array.
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);

$out = ['stack' => 'php ' . PHP_VERSION];
$page = $client->GetBlinkers(['cpasKbo' => $cpasKbo, 'limit' => 100]);
$blinkers = $page->blinker ?? [];
$out['pulled'] = array_map(fn ($b) => ['blinkerId' => $b->blinkerId, 'cpasKbo' => $b->cpasKbo, 'flow' => $b->flow, 'status' => $b->status], $blinkers);
$out['next'] = $page->next ?? null;
$first = $blinkers[0];

$ack = $client->AcknowledgeBlinker(['blinkerId' => $first->blinkerId]);
$out['acknowledged'] = ['blinkerId' => $ack->blinkerId, 'status' => $ack->status];

$feedback = [
    'messageId' => uuid4(),
    'blinkerId' => $first->blinkerId,
    'cpasKbo' => $first->cpasKbo,
    'code' => 131,
    'comment' => 'Payslips checked with the beneficiary: no wages (PHP).',
    'sentAt' => gmdate('Y-m-d\TH:i:s\Z'),
];
$receipt = $client->SubmitFeedback($feedback);
$again = $client->SubmitFeedback($feedback);
$out['receipt'] = ['messageId' => $receipt->messageId, 'receivedAt' => $receipt->receivedAt, 'status' => $receipt->status];
$out['sameReceiptOnResend'] = $again->receivedAt === $receipt->receivedAt && $again->messageId === $receipt->messageId;

$status = $client->GetFeedbackStatus(['messageId' => $feedback['messageId']]);
$out['feedbackStatus'] = ['messageId' => $status->messageId, 'blinkerId' => $status->blinkerId, 'code' => $status->code, 'status' => $status->status];

$second = $blinkers[1];
$out['faults'] = [
    'forbiddenCpas' => provoke(fn () => $client->GetBlinkers(['cpasKbo' => $otherKbo])),
    'codeNotForFlow' => provoke(fn () => $client->SubmitFeedback([
        'messageId' => uuid4(),
        'blinkerId' => $second->blinkerId,
        'cpasKbo' => $second->cpasKbo,
        'code' => (int) $badCode,
        'sentAt' => $feedback['sentAt'],
    ])),
];
echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
