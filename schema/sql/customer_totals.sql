-- A customer's counters (orders_count, total_spent, last_order_date) are
-- kept true to their orders by the database itself, however orders and
-- their items change: an order placed, its total recomputed when items are
-- added or removed, an order moved to another customer or deleted.

-- Recomputes one customer's counters from their orders.
CREATE OR REPLACE FUNCTION public.refresh_customer_totals(customer integer)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE public.customers AS c
    SET orders_count = totals.orders,
        total_spent = totals.spent,
        last_order_date = totals.last_order,
        updated_at = now()
    FROM (
        SELECT count(*)::integer AS orders,
               coalesce(sum(o.total), 0) AS spent,
               max(o.created_at) AS last_order
        FROM public.orders AS o
        WHERE o.customer_id = customer
    ) AS totals
    WHERE c.id = customer;
$$;

-- After an order changes in a way that moves the counters, the customers
-- concerned (before and after) are recomputed.
CREATE OR REPLACE FUNCTION public.orders_refresh_customer_totals()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.customer_id IS NOT NULL THEN
        PERFORM public.refresh_customer_totals(OLD.customer_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.customer_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
        PERFORM public.refresh_customer_totals(NEW.customer_id);
    ELSIF TG_OP = 'UPDATE' AND NEW.customer_id IS NOT NULL
          AND NEW.total IS DISTINCT FROM OLD.total THEN
        PERFORM public.refresh_customer_totals(NEW.customer_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER orders_refresh_customer_totals
    AFTER INSERT OR DELETE OR UPDATE OF customer_id, total ON public.orders
    FOR EACH ROW
    EXECUTE FUNCTION public.orders_refresh_customer_totals();

COMMENT ON FUNCTION public.refresh_customer_totals(integer) IS
    'Recomputes a customer''s orders_count, total_spent and last_order_date from their orders';
