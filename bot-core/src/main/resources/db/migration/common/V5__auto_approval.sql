-- Why a request was approved without a vote ("on call in schedule Payments"), shown on its card; null otherwise.
ALTER TABLE access_requests ADD COLUMN auto_approval VARCHAR(400);
