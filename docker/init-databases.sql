-- Each service owns one database through its own role; no role may connect to another's.
CREATE ROLE casebridge_intake LOGIN PASSWORD 'casebridge_intake';
CREATE ROLE casebridge_assignment LOGIN PASSWORD 'casebridge_assignment';
CREATE ROLE casebridge_reporting LOGIN PASSWORD 'casebridge_reporting';
CREATE DATABASE casebridge_intake OWNER casebridge_intake;
CREATE DATABASE casebridge_assignment OWNER casebridge_assignment;
CREATE DATABASE casebridge_reporting OWNER casebridge_reporting;
REVOKE ALL ON DATABASE casebridge_intake FROM PUBLIC;
REVOKE ALL ON DATABASE casebridge_assignment FROM PUBLIC;
REVOKE ALL ON DATABASE casebridge_reporting FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE casebridge_intake TO casebridge_intake;
GRANT CONNECT, TEMPORARY ON DATABASE casebridge_assignment TO casebridge_assignment;
GRANT CONNECT, TEMPORARY ON DATABASE casebridge_reporting TO casebridge_reporting;
