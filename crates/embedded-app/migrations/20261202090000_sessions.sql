-- petal revision: 20261202090000
-- petal parents: 20261201090000
-- petal message: sessions

-- +petal up
CREATE TABLE sessions (
    token text PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
);

INSERT INTO runs (revision) VALUES ('20261202090000');

-- +petal down
DROP TABLE sessions;

DELETE FROM runs WHERE revision = '20261202090000';
