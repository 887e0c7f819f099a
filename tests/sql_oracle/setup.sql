-- The tables every query of queries.sql reads. Written in the dialect that Cairn (MySQL's)
-- and SQLite share; NULLs, duplicates, negative numbers, the ends of INT's range, a value
-- past INT in a BIGINT column, exact decimals, doubles, dates, an empty string and a
-- keyless table with repeated rows.
CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, city VARCHAR(30), budget INT);
INSERT INTO dept VALUES (1, 'Engineering', 'Berlin', 500000), (2, 'Sales', 'Paris', 200000), (3, 'Support', 'Berlin', NULL), (4, 'Research', NULL, 750000), (5, 'Legal', 'Madrid', 90000);
CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, dept_id INT, manager_id INT, salary DECIMAL(10,2), bonus INT, hired DATE, rating DOUBLE);
INSERT INTO emp VALUES (1, 'Alice', 1, NULL, 9500.00, 1000, '2019-03-01', 4.5), (2, 'Bob', 1, 1, 7200.50, 500, '2020-07-15', 3.8), (3, 'Carol', 2, 1, 6100.00, NULL, '2018-11-30', 4.1), (4, 'Dan', 2, 3, 5400.25, 300, '2021-01-10', NULL), (5, 'Eve', 3, 1, 4800.00, 0, '2022-05-05', 3.2), (6, 'Frank', NULL, NULL, 3900.75, NULL, NULL, 2.9), (7, 'Grace', 1, 2, 8800.00, 800, '2019-09-09', 4.9), (8, 'Heidi', 3, 5, NULL, 200, '2023-02-14', 3.5), (9, 'Ivan', 2, 3, 5400.25, 300, '2020-12-01', 3.8), (10, 'Judy', 4, NULL, 12000.00, 2500, '2017-06-20', 4.7), (11, 'Mallory', NULL, 10, 2500.00, -100, '2024-01-31', 1.5), (12, 'Niaj', 1, 2, 7200.50, NULL, '2021-08-08', NULL);
CREATE TABLE proj (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, dept_id INT, budget DECIMAL(12,2), started DATE);
INSERT INTO proj VALUES (100, 'Apollo', 1, 150000.00, '2021-01-01'), (101, 'Borealis', 1, 80000.50, '2022-03-15'), (102, 'Cirrus', 2, 45000.00, NULL), (103, 'Delta', 4, NULL, '2020-10-10'), (104, 'Echo', NULL, 12000.00, '2023-07-07'), (105, 'Fjord', 3, 30000.00, '2021-11-11');
CREATE TABLE assign (emp_id INT, proj_id INT, hours INT, role VARCHAR(20), PRIMARY KEY (emp_id, proj_id));
INSERT INTO assign VALUES (1, 100, 120, 'lead'), (2, 100, 80, 'dev'), (2, 101, 40, 'dev'), (3, 102, 60, 'lead'), (4, 102, 30, NULL), (7, 100, 100, 'dev'), (7, 101, 20, 'review'), (10, 103, 200, 'lead'), (5, 105, 50, 'lead'), (8, 105, NULL, 'dev'), (12, 101, 70, 'dev'), (99, 104, 10, 'ghost');
CREATE TABLE nums (k INT PRIMARY KEY, a BIGINT, b INT, x DOUBLE, d DECIMAL(8,3), s VARCHAR(20));
INSERT INTO nums VALUES (1, 10, 3, 2.5, 1.125, 'ten'), (2, -7, 2, -0.5, -2.500, 'minus seven'), (3, 0, 5, 0.0, 0.000, ''), (4, NULL, 4, NULL, NULL, NULL), (5, 2147483647, -1, 10000000000.0, 99999.999, 'max int'), (6, -2147483648, 1, -0.001, -99999.999, 'min int'), (7, 9000000000000000000, 2, 3.25, 0.001, 'big'), (8, 15, NULL, 7.75, 12.345, ' padded '), (9, 100, 7, 100.0, 50.500, 'Hundred'), (10, -15, 4, -7.25, -12.345, 'MiXeD');
CREATE TABLE tags (tag VARCHAR(10), n INT);
INSERT INTO tags VALUES ('red', 1), ('blue', 2), ('red', 1), ('green', NULL), (NULL, 3), ('blue', 5), ('red', 7);
