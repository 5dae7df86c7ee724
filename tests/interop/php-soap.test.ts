/**
 * Interoperability with PHP's SoapClient (Debian's php-cli, php-soap, php-xml): its client is
 * built from the live WSDL and runs publish-to-closed (tests/interop/foreign-stack.ts,
 * tests/interop/php-soapclient.php).
 */
import t from 'tap'
import { publishToClosed } from './foreign-stack.js'

const PHP = process.env.PHP_PATH ?? '/usr/bin/php'

t.test('PHP SoapClient: pull, acknowledge, feedback, status, Faults; closed over REST', async (t) => {
  await publishToClosed(t, PHP, ['tests/interop/php-soapclient.php'])
})
