/**
 * The build tools' wrappers (`./gradlew`, `./mvnw`) download the distribution their properties name
 * (gradle/wrapper/gradle-wrapper.properties, .mvn/wrapper/maven-wrapper.properties: `distributionUrl`, and the
 * Maven wrapper's jar at `wrapperUrl`) and run it. One from a host the network policy does not allow (or its
 * tool's own download host), over plain HTTP, or from a file (a zip the gate cannot read) is code from elsewhere.
 */
import { readProperties } from './java-properties.js';
import { type HostPolicy, hostOf, judgeHost } from './network.js';

/** Keys whose value is what the wrapper downloads and runs. */
const DOWNLOADED = ['distributionUrl', 'wrapperUrl'];
/** Where the tools publish their own distributions. */
const OWN_HOSTS = ['services.gradle.org', 'downloads.gradle.org', 'repo.maven.apache.org', 'repo1.maven.org'];

/** Why a downloaded URL is code from elsewhere, or undefined when it is the tool's or an allowed host's. */
export function distributionFinding(url: string, hosts: HostPolicy): string | undefined {
  const dest = hostOf(url);
  if (dest === null || !/^https?:\/\//i.test(url)) return `${url.slice(0, 100)}: a file the gate cannot read`;
  if (/^http:/i.test(url)) return `${url.slice(0, 100)}: over plain HTTP`;
  if (OWN_HOSTS.includes(dest.host) || judgeHost(dest.host, hosts) === 'allowed') return undefined;
  return `${url.slice(0, 100)}: from ${dest.host || 'a host known at run time'}`;
}

/** The first downloaded URL of wrapper properties text that is code from elsewhere. */
export function wrapperTextFinding(text: string, hosts: HostPolicy): string | undefined {
  if (!/(?:distribution|wrapper)Url/.test(text)) return undefined;
  const props = readProperties(text);
  for (const k of DOWNLOADED) {
    const v = props.get(k);
    const found = v === undefined || v.trim() === '' ? undefined : distributionFinding(v.trim(), hosts);
    if (found) return `${k} ${found}`;
  }
  return undefined;
}
