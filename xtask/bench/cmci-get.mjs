// One CMCI GET over HTTPS with Node's https module, the runtime of Zowe: the CA, the client
// certificate chain and its key as PEM. Prints the body. Used by `cargo xtask bench e2e` as the
// Node peer.
//
// usage: node cmci-get.mjs URL CA.pem CLIENT.pem CLIENT.key.pem

import { readFileSync } from "node:fs";
import https from "node:https";

const [url, caFile, certFile, keyFile] = process.argv.slice(2);
if (!keyFile) {
  console.error("usage: node cmci-get.mjs URL CA.pem CLIENT.pem CLIENT.key.pem");
  process.exit(2);
}

const request = https.get(
  url,
  {
    ca: readFileSync(caFile),
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    // One request per process: no keep-alive pool to hold the process open.
    agent: false,
  },
  (response) => {
    if (response.statusCode !== 200) {
      console.error(`HTTP ${response.statusCode}`);
      process.exitCode = 1;
    }
    response.pipe(process.stdout);
  },
);
request.on("error", (error) => {
  console.error(error.message);
  process.exitCode = 1;
});
