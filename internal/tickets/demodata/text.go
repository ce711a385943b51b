package demodata

// category is one kind of complaint: the team that handles it, the tags
// it carries, and the phrases its tickets are written from. The texts are
// invented for the demo.
type category struct {
	team   string
	weight int
	tags   []string
	titles []string
	bodies []string
	closes []string // notes when a ticket is completed
}

var categories = []category{
	{
		team: "billing", weight: 22,
		tags: []string{"billing", "payment", "refund", "charge", "invoice"},
		titles: []string{
			"Charged twice for one order", "Card declined at the drive-through", "Refund not received",
			"Wrong amount on my receipt", "Double charge on my card", "Invoice for catering is wrong",
			"Apple Pay payment failed but money was taken", "Charged for items I did not get",
			"Gift of a refund never arrived", "Tax added twice on my bill", "Pending charge still on my statement",
		},
		bodies: []string{
			"I paid {amount} at the {store} restaurant on {day} and my bank shows the charge twice. Please refund the extra one.",
			"My card was declined at the {store} drive-through but the money left my account anyway. Order {order}.",
			"I was promised a refund of {amount} for order {order} two weeks ago and nothing has arrived yet.",
			"The receipt for order {order} says {amount}, the menu price was lower. I would like the difference back.",
			"Our office ordered catering from {store}; the invoice lists twelve meals, we received eight.",
			"The payment screen in the kiosk froze, I paid again, now I see two charges of {amount}.",
		},
		closes: []string{"refund issued", "duplicate charge reversed", "invoice corrected and resent", "bank confirmed the reversal"},
	},
	{
		team: "orders", weight: 20,
		tags: []string{"order", "delivery", "missing-item", "late", "wrong-order"},
		titles: []string{
			"Delivery arrived an hour late", "Missing fries in my order", "Got someone else's order",
			"Drink missing from delivery", "Order never arrived", "Wrong burger in the bag",
			"Delivery driver left the food at the wrong door", "Half of my order was missing",
			"Order cancelled without telling me", "Sauce missing again",
		},
		bodies: []string{
			"Order {order} from {store} arrived more than an hour after the promised time and everything was cold.",
			"I ordered {item} and fries through delivery; the fries were not in the bag. Order {order}.",
			"The bag I received had someone else's name on it and none of my items. Order {order} from {store}.",
			"My delivery shows as delivered on {day} but nothing came. The driver did not call.",
			"I asked for {item} without onions and got a completely different burger.",
			"Third time this month that part of my order from {store} is missing.",
		},
		closes: []string{"replacement order sent", "refund for missing items", "driver feedback recorded", "store reminded to check bags"},
	},
	{
		team: "app", weight: 18,
		tags: []string{"app", "login", "account", "crash", "website"},
		titles: []string{
			"App crashes when I open the menu", "Cannot log in to my account", "Password reset email never comes",
			"App shows the wrong store", "Checkout button does nothing", "Website order page is blank",
			"App logs me out every time", "Cannot delete my account", "Two-factor code not accepted",
			"App stuck on loading screen",
		},
		bodies: []string{
			"Since the last update the app closes as soon as I open the menu. Phone: {phone}.",
			"I cannot log in: the app says my password is wrong, and the reset email never arrives.",
			"The app keeps choosing the {store} restaurant even though I am nowhere near it.",
			"On the website, pressing checkout does nothing. I tried two browsers.",
			"The app logs me out every time I switch to another app, so I lose my basket.",
			"I want my account and data deleted, but the option in settings gives an error.",
		},
		closes: []string{"fixed in app release 4.2", "account unlocked", "reset email resent", "cache cleared, working again"},
	},
	{
		team: "food-quality", weight: 16,
		tags: []string{"food", "quality", "allergy", "cold", "hygiene"},
		titles: []string{
			"Burger was raw in the middle", "Fries cold and soggy", "Found a hair in my salad",
			"Allergy information was wrong", "Milkshake tasted sour", "Chicken was undercooked",
			"Food made me sick", "Nuggets were burnt", "Bun was stale", "Nuts in a nut-free meal",
		},
		bodies: []string{
			"The {item} I bought at {store} on {day} was pink and raw in the middle.",
			"My fries were cold and soggy when I got them at the counter, not after delivery.",
			"I found a hair in my salad from {store}. Photo attached to my email.",
			"The allergy sheet said the {item} had no nuts. My son reacted and we had to use his pen.",
			"The milkshake tasted sour, like the milk had gone off. {store}, {day}.",
			"I got sick the night after eating the {item}; so did my partner who had the same.",
		},
		closes: []string{"store inspected", "allergy sheet corrected", "voucher sent", "kitchen retrained on cooking times"},
	},
	{
		team: "restaurant", weight: 14,
		tags: []string{"staff", "cleanliness", "wait-time", "drive-through", "rude"},
		titles: []string{
			"Staff member was rude", "Waited 40 minutes at the drive-through", "Tables and floor were dirty",
			"Restroom was out of order", "Manager refused to help", "Restaurant closed before posted hours",
			"Music far too loud", "Parking lot full of litter", "Nobody at the counter", "Kiosk out of order",
		},
		bodies: []string{
			"The cashier at {store} was rude to my elderly mother and refused to repeat the order.",
			"We waited 40 minutes in the drive-through line at {store} on {day}; only one window was open.",
			"Every table at {store} was dirty and the bins were overflowing.",
			"The {store} restaurant was closed at 9pm although the sign and the app say it is open until 11.",
			"I asked for the manager about a wrong order and was told to come back another day.",
			"Nobody was at the counter for ten minutes; staff were on their phones in the back.",
		},
		closes: []string{"spoke with the store manager", "staffing adjusted", "cleaning schedule changed", "apology and voucher sent"},
	},
	{
		team: "loyalty", weight: 10,
		tags: []string{"rewards", "points", "coupon", "promo", "gift-card"},
		titles: []string{
			"Points not added for my order", "Coupon code not working", "Gift card balance is wrong",
			"Rewards tier was reset", "Promo offer not applied", "Birthday reward missing",
			"Cannot redeem my free meal", "Gift card rejected at the counter",
		},
		bodies: []string{
			"I earned points for order {order} but my balance did not change.",
			"The coupon code from your email says invalid at checkout. It expires next week.",
			"My gift card should have {amount} left but the app shows zero.",
			"My rewards tier went back to bronze after years of ordering every week.",
			"The free meal reward shows in the app but the counter at {store} could not redeem it.",
		},
		closes: []string{"points credited", "new coupon issued", "gift card balance restored", "tier reinstated"},
	},
}

var (
	stores = []string{"Main Street", "Airport", "Riverside", "Mall of Detroit", "Union Station", "Harbour", "Campus", "Highway 9"}
	items  = []string{"double cheeseburger", "chicken sandwich", "veggie wrap", "bacon burger", "kids meal", "caesar salad", "fish fillet", "spicy nuggets"}
	phones = []string{"iPhone 13", "Pixel 8", "Galaxy S22", "iPhone 15", "Moto G"}
	days   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	extras = []string{"urgent", "repeat-customer", "vip", "social-media"}
)

var firstNames = []string{"Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kira", "Liam",
	"Maya", "Nico", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Xavi", "Yara", "Zane",
	"Amir", "Bea", "Cole", "Dina"}
var lastNames = []string{"Park", "Okafor", "Novak", "Silva", "Berg", "Khan", "Moreau", "Tanaka", "Rossi", "Schmidt",
	"Lopez", "Ivanova", "Murphy", "Chen", "Haddad", "Larsen"}
