-- petal revision: 20261201090000
-- petal parents:
-- petal message: accounts

-- +petal up
CREATE TABLE runs (revision text NOT NULL, run_at timestamptz NOT NULL DEFAULT now());

CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);

-- Not idempotent: a second run of this revision would fail here, and one
-- that got past it would leave a second row.
INSERT INTO runs (revision) VALUES ('20261201090000');

-- +petal down
DROP TABLE accounts;

DROP TABLE runs;
