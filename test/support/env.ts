// Every test runs in UTC so that dates in assertions do not depend on the machine.
process.env.TZ = 'UTC';
