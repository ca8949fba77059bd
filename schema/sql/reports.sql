-- What the shop's reports read: sales by day in Almaty's time, counting
-- the orders that were paid (every status after `new`).
CREATE OR REPLACE VIEW public.daily_sales AS
SELECT (o.created_at AT TIME ZONE 'Asia/Almaty')::date AS day,
       count(*)::integer AS orders,
       sum(o.total) AS revenue,
       sum(coalesce(o.delivery_fee, 0)) AS delivery_fees,
       sum(o.total) - sum(coalesce(o.delivery_fee, 0)) AS flower_revenue
FROM public.orders AS o
WHERE o.status <> 'new'
GROUP BY 1;

COMMENT ON VIEW public.daily_sales IS 'Paid orders and revenue per day (Asia/Almaty)';
