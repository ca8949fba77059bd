-- petal revision: 20261203090000
-- petal parents: 20261202090000
-- petal message: account names

-- +petal up
ALTER TABLE accounts ADD COLUMN name text NOT NULL DEFAULT '';

INSERT INTO runs (revision) VALUES ('20261203090000');

-- +petal down
ALTER TABLE accounts DROP COLUMN name;

DELETE FROM runs WHERE revision = '20261203090000';
