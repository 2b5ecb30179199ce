import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('a plan or file of steps from outside the workspace, carried out', () => {
  behaviourCases([
    {
      rule: 'exec.outside-binary',
      yes: [
        'terraform apply /home/u/other/plan',
        'tofu apply -auto-approve /opt/shared/main.tfplan',
        'terraform -chdir=/home/u/other apply',
        'ansible-playbook -i hosts /home/ops/site.yml',
        'packer build /home/u/images/base.pkr.hcl',
        'make -f /home/u/other/Makefile deploy',
        'psql -f /home/u/shared/migrate.sql',
        'cargo run --manifest-path /home/u/other/Cargo.toml',
        'npm --prefix /home/u/other run deploy',
        'sqlite3 app.db ".read /home/u/x.sql"',
        'newman run /srv/shared/collection.json',
      ],
      no: [
        'terraform apply tfplan',
        'terraform apply',
        'ansible-playbook site.yml',
        'make -f build/Makefile test',
        'psql -f db/schema.sql',
        'cargo build --target-dir /tmp/target',
        'cargo run -- /etc/hosts',
        'tail -f /home/u/app.log',
        'rsync -av src/ /home/u/backup/src/',
        'sqlite3 app.db ".read schema.sql"',
      ],
    },
  ]);
});
