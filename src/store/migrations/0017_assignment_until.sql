-- An assignment's end (`assign remove … --from PERIOD`): the first period the unit no
-- longer owes. Earlier periods still expect the unit, so their overdue, compliance and
-- status never change (Bắc Ninh Art. 10(3), Đồng Tháp Art. 21(1): a decision amends a
-- regime from a period on). NULL: no end.
ALTER TABLE assignment ADD COLUMN until_period TEXT;
