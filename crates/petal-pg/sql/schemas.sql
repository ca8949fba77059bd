SELECT nsp.nspname FROM nsp ORDER BY nsp.nspname
